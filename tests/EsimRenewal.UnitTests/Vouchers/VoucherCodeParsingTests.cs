using EsimRenewal.Core.Vouchers;

namespace EsimRenewal.UnitTests.Vouchers;

public class VoucherCodeParsingTests
{
    // Check symbol computed independently (Python) for the data ABCD1234EFGH5670.
    private const string Clean = "ABCD-1234-EFGH-5670-3";

    [Theory]
    [InlineData("ABCD-1234-EFGH-5670-3")]
    [InlineData("abcd-1234-efgh-5670-3")]
    [InlineData("ABCD1234EFGH56703")]
    [InlineData("  ABCD 1234  EFGH 5670 3 ")]
    [InlineData("ABCD-1234\tEFGH-5670\n3")]
    [InlineData("ＡＢＣＤ－１２３４－ＥＦＧＨ－５６７０－３")]
    [InlineData("ａｂｃｄ１２３４ｅｆｇｈ５６７０３")]
    [InlineData("ABCD\u30001234\u3000EFGH\u30005670\u30003")]
    [InlineData("ABCDー1234ーEFGHー5670ー3")]
    [InlineData("ＡＢＣＤー１２３４ーＥＦＧＨー５６７０ー３")]
    [InlineData("ABCDｰ1234ｰEFGHｰ5670ｰ3")]
    [InlineData("ABCD‐1234‑EFGH–5670—3")]
    [InlineData("ABCD−1234−EFGH−5670−3")]
    [InlineData("ABCD-I234-EFGH-567O-3")]
    [InlineData("abcd-l234-efgh-567o-3")]
    public void Messy_input_of_a_valid_code_is_accepted(string input)
    {
        var result = VoucherCode.Parse(input);

        Assert.True(result.IsValid);
        Assert.Equal(Clean, result.Code.ToString());
        Assert.Equal("ABCD1234EFGH56703", result.Code.ToCanonicalString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("----")]
    [InlineData("ABCD-1234-EFGH-5670")]
    [InlineData("ABCD-1234-EFGH-5670-33")]
    [InlineData("ABCD-1234-EFGH-5670-3-ABCD")]
    [InlineData("ABCD-1234-EFGH-567U-3")]
    [InlineData("ABCD.1234.EFGH.5670.3")]
    [InlineData("ABCD_1234_EFGH_5670_3")]
    [InlineData("ABCD/1234/EFGH/5670/3")]
    [InlineData("ABCD-1234-EFGH-5670-3!")]
    [InlineData("ABCD-1234-EFGH-5670-3\u200B")]
    [InlineData("あいうえ-1234-EFGH-5670-3")]
    [InlineData("ABCD-1234-EFGH-5670-\u00C9")]
    public void Input_that_is_not_shaped_like_a_code_is_not_a_code(string? input)
    {
        var result = VoucherCode.Parse(input);

        Assert.Equal(VoucherCodeParseOutcome.NotACode, result.Outcome);
        Assert.Null(result.Code);
        Assert.False(VoucherCode.TryParse(input, out var code));
        Assert.Null(code);
    }

    [Fact]
    public void Very_long_input_and_broken_unicode_are_not_codes()
    {
        Assert.Equal(VoucherCodeParseOutcome.NotACode, VoucherCode.Parse(new string('-', 10_000) + Clean).Outcome);
        Assert.Equal(VoucherCodeParseOutcome.NotACode, VoucherCode.Parse(Clean + "\uD800").Outcome);
    }

    [Theory]
    [InlineData("ABCD-1234-EFGH-5670-4")]
    [InlineData("ABCD-1234-EFGH-5607-3")]
    [InlineData("abcd-1243-efgh-5670-3")]
    [InlineData("ＡＢＣＤ－１２３４－ＥＦＧＨ－５６７０－Ｚ")]
    public void A_well_shaped_code_with_a_wrong_check_symbol_is_a_probable_typo(string input)
    {
        var result = VoucherCode.Parse(input);

        Assert.Equal(VoucherCodeParseOutcome.ProbableTypo, result.Outcome);
        Assert.Null(result.Code);
        Assert.False(VoucherCode.TryParse(input, out _));
    }

    [Fact]
    public void A_generated_code_survives_display_and_parsing()
    {
        for (var n = 0; n < 1_000; n++)
        {
            var code = VoucherCode.Generate();

            Assert.True(VoucherCode.TryParse(code.ToString(), out var displayed));
            Assert.True(VoucherCode.TryParse(code.ToCanonicalString().ToLowerInvariant(), out var typed));
            Assert.Equal(code, displayed);
            Assert.True(code == typed);
            Assert.Equal(code.GetHashCode(), typed.GetHashCode());
        }
    }

    [Fact]
    public void Last4_is_the_group_before_the_check_symbol()
    {
        Assert.Equal("5670", VoucherCode.Parse(Clean).Code!.Last4);

        var code = VoucherCode.Generate();
        Assert.Equal(code.ToString().Split('-')[3], code.Last4);
    }

    [Fact]
    public void Different_codes_are_not_equal()
    {
        Assert.NotEqual(VoucherCode.Generate(), VoucherCode.Generate());
        Assert.False(VoucherCode.Parse(Clean).Code == VoucherCode.Generate());
    }

    [Fact]
    public void A_parse_result_does_not_print_the_code()
    {
        var result = VoucherCode.Parse(Clean);

        Assert.DoesNotContain("ABCD", result.ToString());
    }
}
