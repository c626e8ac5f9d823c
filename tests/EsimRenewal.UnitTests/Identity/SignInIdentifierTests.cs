using EsimRenewal.Core.Identity;

namespace EsimRenewal.UnitTests.Identity;

public class SignInIdentifierTests
{
    private static SignInIdentifier Parsed(string input)
    {
        Assert.True(SignInIdentifier.TryParse(input, out var identifier), $"'{input}' was rejected.");
        return identifier;
    }

    [Theory]
    [InlineData("traveller@example.com", "traveller@example.com")]
    [InlineData("Traveller@Example.COM", "traveller@example.com")]
    [InlineData("  wang.li@mail.example.cn \t", "wang.li@mail.example.cn")]
    [InlineData("Tanaka+SIM@Example.co.jp", "tanaka+sim@example.co.jp")]
    public void An_email_is_trimmed_and_lower_cased(string input, string expected)
    {
        var identifier = Parsed(input);

        Assert.Equal(IdentifierKind.Email, identifier.Kind);
        Assert.Equal(expected, identifier.Value);
    }

    [Theory]
    [InlineData("ｔｒａｖｅｌｌｅｒ＠ｅｘａｍｐｌｅ．ｃｏｍ")]
    [InlineData("Ｔｒａｖｅｌｌｅｒ@example．com")]
    [InlineData("\u3000traveller@example.com\u3000")]
    public void Full_width_characters_from_japanese_input_are_normalised_in_an_email(string input)
    {
        var identifier = Parsed(input);

        Assert.Equal(IdentifierKind.Email, identifier.Kind);
        Assert.Equal("traveller@example.com", identifier.Value);
    }

    [Theory]
    [InlineData("a@b")]
    [InlineData("@x.com")]
    [InlineData("a b@x.com")]
    [InlineData("a@@x.com")]
    [InlineData("a@x..com")]
    [InlineData("a@.x.com")]
    [InlineData("a@x.com.")]
    [InlineData("a@")]
    [InlineData("a@b@x.com")]
    [InlineData("Name <a@x.com>")]
    public void A_malformed_email_is_rejected(string input)
    {
        Assert.False(SignInIdentifier.TryParse(input, out _));
    }

    [Theory]
    [InlineData("090-1234-5678", "+819012345678")]
    [InlineData("09012345678", "+819012345678")]
    [InlineData("+81 90 1234 5678", "+819012345678")]
    [InlineData("+81-90-1234-5678", "+819012345678")]
    [InlineData("(090) 1234-5678", "+819012345678")]
    [InlineData("０９０－１２３４－５６７８", "+819012345678")]
    [InlineData("080-9876-5432", "+818098765432")]
    [InlineData("070-1234-5678", "+817012345678")]
    [InlineData("+86 138 0013 8000", "+8613800138000")]
    [InlineData("+8613800138000", "+8613800138000")]
    [InlineData("+1 201-555-0123", "+12015550123")]
    public void A_mobile_number_is_normalised_to_e164_reading_numbers_without_country_code_as_japanese(string input, string expected)
    {
        var identifier = Parsed(input);

        Assert.Equal(IdentifierKind.Phone, identifier.Kind);
        Assert.Equal(expected, identifier.Value);
    }

    [Theory]
    [InlineData("03-1234-5678")]
    [InlineData("+81 3 1234 5678")]
    [InlineData("06-6123-4567")]
    [InlineData("0120-123-456")]
    public void A_japanese_fixed_line_or_freephone_number_is_rejected_as_not_a_mobile(string input)
    {
        Assert.False(SignInIdentifier.TryParse(input, out _));
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("12")]
    [InlineData("+")]
    [InlineData("090-1234-567")]
    [InlineData("090-1234-56789")]
    [InlineData("090-1234-567x")]
    [InlineData("+86 138 0013 800")]
    [InlineData("traveller")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Garbage_is_rejected(string? input)
    {
        Assert.False(SignInIdentifier.TryParse(input, out _));
    }

    [Fact]
    public void Over_long_input_is_rejected()
    {
        var longEmail = new string('a', SignInIdentifier.EmailMaxLength) + "@example.com";
        var paddedPhone = "090-1234-5678" + new string(' ', SignInIdentifier.EmailMaxLength);

        Assert.False(SignInIdentifier.TryParse(longEmail, out _));
        Assert.False(SignInIdentifier.TryParse(paddedPhone, out _));
    }

    [Fact]
    public void The_same_person_typing_their_number_two_ways_gets_the_same_identifier()
    {
        Assert.Equal(Parsed("090-1234-5678"), Parsed("+81 90 1234 5678"));
        Assert.Equal(Parsed("Traveller@Example.com"), Parsed("traveller@example.com "));
    }
}
