using EsimRenewal.Web.Legal;

namespace EsimRenewal.UnitTests.Legal;

public class OperatorOptionsTests
{
    private static OperatorOptions Complete() => new()
    {
        Name = "テスト通信株式会社",
        Representative = "試験 花子",
        Address = "〒100-0001 東京都千代田区試験町4-5-6",
        Phone = "03-1111-2222",
        Email = "help@shop.example",
        SupportHours = "9:00–17:00 JST",
        InvoiceRegistrationNumber = "T9876543210987",
    };

    [Theory]
    [InlineData("T9876543210987")]
    [InlineData("T0000000000000")]
    public void A_T_and_thirteen_digits_is_a_registration_number(string number)
    {
        Assert.True(OperatorOptions.IsValidRegistrationNumber(number));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("9876543210987")]     // no T
    [InlineData("t9876543210987")]    // lower-case t
    [InlineData("T987654321098")]     // 12 digits
    [InlineData("T98765432109876")]   // 14 digits
    [InlineData("T9876-5432-10987")]  // grouped
    [InlineData(" T9876543210987")]
    [InlineData("T9876543210987\n")]  // a trailing newline, as a value read from a file may have
    [InlineData("Ｔ９８７６５４３２１０９８７")] // full-width
    public void Anything_else_is_not(string? number)
    {
        Assert.False(OperatorOptions.IsValidRegistrationNumber(number));
    }

    [Fact]
    public void Complete_settings_have_no_problems_and_support_hours_are_optional()
    {
        var options = Complete();
        options.SupportHours = "";

        Assert.Empty(options.Problems());
    }

    [Fact]
    public void Empty_settings_name_every_required_setting()
    {
        Assert.Equal(
            ["Operator:Name", "Operator:Representative", "Operator:Address", "Operator:Phone", "Operator:Email", "Operator:InvoiceRegistrationNumber"],
            new OperatorOptions().Problems());
    }

    [Fact]
    public void A_blank_value_counts_as_missing_and_only_the_bad_settings_are_named()
    {
        var options = Complete();
        options.Phone = "   ";
        options.InvoiceRegistrationNumber = "T123";

        Assert.Equal(["Operator:Phone", "Operator:InvoiceRegistrationNumber"], options.Problems());
    }

    [Fact]
    public void The_validator_names_the_settings_to_fix()
    {
        var options = Complete();
        options.Email = "";

        var result = new OperatorOptions.Validator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Operator:Email", result.FailureMessage);
        Assert.True(new OperatorOptions.Validator().Validate(null, Complete()).Succeeded);
    }
}
