using EsimRenewal.Core.Sims;

namespace EsimRenewal.UnitTests.Sims;

public class IccidTests
{
    // Luhn check digits worked out by hand (and, for the first, a published carrier ICCID).
    [Theory]
    [InlineData("89014103211118510720")]
    [InlineData("8981100000000000010")]
    [InlineData("89811000000000000129")]
    [InlineData("8981101234567890120")]
    public void A_known_valid_iccid_is_accepted(string digits)
    {
        Assert.True(Iccid.TryParse(digits, out var iccid));
        Assert.Equal(digits, iccid.Value);
    }

    [Fact]
    public void A_19_digit_iccid_built_from_an_18_digit_body_is_valid()
    {
        var built = Iccid.FromBody("898110123456789012");

        Assert.Equal("8981101234567890120", built.Value);
        Assert.True(Iccid.TryParse(built.Value, out var parsed));
        Assert.Equal(built, parsed);
    }

    [Fact]
    public void A_20_digit_iccid_built_from_a_19_digit_body_is_valid()
    {
        var built = Iccid.FromBody("8981100000000000012");

        Assert.Equal("89811000000000000129", built.Value);
        Assert.True(Iccid.TryParse(built.Value, out _));
    }

    [Theory]
    [InlineData("898110123456789012")]
    [InlineData("8981100000000000012")]
    public void Every_single_digit_change_of_a_valid_iccid_is_rejected(string body)
    {
        var valid = Iccid.FromBody(body).Value;
        for (var position = 0; position < valid.Length; position++)
        {
            foreach (var typo in "0123456789".Where(d => d != valid[position]))
            {
                var changed = valid[..position] + typo + valid[(position + 1)..];

                Assert.False(Iccid.TryParse(changed, out _), $"{changed} (digit {position} changed) was accepted.");
            }
        }
    }

    [Fact]
    public void A_wrong_check_digit_is_rejected()
    {
        Assert.False(Iccid.TryParse("8981101234567890121", out _));
        Assert.Throws<FormatException>(() => Iccid.Parse("8981101234567890121"));
    }

    [Theory]
    [InlineData("881101234567890123")]
    [InlineData("980000000000000000")]
    [InlineData("0081101234567890123")]
    public void An_iccid_that_does_not_start_with_89_is_rejected_even_with_a_good_check_digit(string body)
    {
        var candidate = WithLuhnDigit(body);

        Assert.False(Iccid.TryParse(candidate, out _));
    }

    [Theory]
    [InlineData("89811012345678901", 18)]
    [InlineData("89811012345678901234", 21)]
    public void An_iccid_of_18_or_21_digits_is_rejected_even_with_a_good_check_digit(string body, int length)
    {
        var candidate = WithLuhnDigit(body);

        Assert.Equal(length, candidate.Length);
        Assert.False(Iccid.TryParse(candidate, out _));
    }

    [Theory]
    [InlineData("8981 1012 3456 7890 120")]
    [InlineData("8981-1012-3456-7890-120")]
    [InlineData("  8981101234567890120  ")]
    [InlineData("８９８１１０１２３４５６７８９０１２０")]
    [InlineData("８９８１－１０１２　３４５６－７８９０－１２０")]
    public void Spaces_hyphens_and_full_width_digits_are_accepted(string input)
    {
        Assert.True(Iccid.TryParse(input, out var iccid));
        Assert.Equal("8981101234567890120", iccid.Value);
    }

    [Theory]
    [InlineData("898110123456789012O")]
    [InlineData("8981101234567890120A")]
    [InlineData("89811O1234567890120")]
    [InlineData("8981.1012.3456.7890.120")]
    [InlineData("8981_1012_3456_7890_120")]
    public void Letters_and_other_punctuation_are_rejected(string input)
    {
        Assert.False(Iccid.TryParse(input, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-")]
    public void Missing_input_is_rejected(string? input)
    {
        Assert.False(Iccid.TryParse(input, out var iccid));
        Assert.Equal(default, iccid);
    }

    [Theory]
    [InlineData("89811012345678901")] // 17 digits
    [InlineData("89811012345678901234")] // 20 digits
    [InlineData("981101234567890123")] // does not start with 89
    [InlineData("89811012345678901A")]
    public void A_body_that_cannot_become_a_valid_iccid_is_refused(string body)
    {
        Assert.Throws<ArgumentException>(() => Iccid.FromBody(body));
    }

    /// <summary>Appends the digit that passes the Luhn check, whatever the prefix and length.</summary>
    private static string WithLuhnDigit(string body)
    {
        return "0123456789".Select(d => body + d).Single(Iccid.HasValidLuhnDigit);
    }

    [Theory]
    [InlineData(null, IccidProblem.Empty)]
    [InlineData("  ", IccidProblem.Empty)]
    [InlineData("8981100000000000O01", IccidProblem.NotDigits)]
    [InlineData("898110000000000", IccidProblem.WrongLength)]
    [InlineData("123456789012345678901", IccidProblem.WrongLength)]
    [InlineData("1981100000000000018", IccidProblem.WrongPrefix)]
    [InlineData("8981100000000000011", IccidProblem.WrongCheckDigit)]
    [InlineData("8981100000000000010", null)]
    public void Each_problem_is_named_so_the_traveller_can_fix_it(string? input, IccidProblem? problem)
    {
        Assert.Equal(problem, Iccid.Check(input));
    }
}

