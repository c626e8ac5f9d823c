using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Legal;

/// <summary>
/// Configuration section <c>Operator</c>: the business behind the shop, as the legal pages
/// (特定商取引法に基づく表記), receipts and emails show it. Development uses obviously fictitious values.
/// </summary>
public sealed partial class OperatorOptions
{
    public const string Section = "Operator";

    /// <summary>Seller (販売業者), e.g. "デモ通信株式会社 (Demo Telecom K.K.)".</summary>
    public string Name { get; set; } = "";

    /// <summary>Representative or person responsible (運営統括責任者).</summary>
    public string Representative { get; set; } = "";

    /// <summary>Postal address, as printed on receipts.</summary>
    public string Address { get; set; } = "";

    public string Phone { get; set; } = "";

    public string Email { get; set; } = "";

    /// <summary>Hours when the support desk answers, e.g. "10:00–18:00 JST, weekdays".</summary>
    public string SupportHours { get; set; } = "";

    /// <summary>Qualified invoice issuer registration number (適格請求書発行事業者登録番号): T + 13 digits.</summary>
    public string InvoiceRegistrationNumber { get; set; } = "";

    public static bool IsValidRegistrationNumber(string? number) => number is not null && RegistrationNumber().IsMatch(number);

    /// <summary>The names of the settings that are missing or malformed (empty when all is well).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        void Require(string value, string name)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{Section}:{name}");
            }
        }
        Require(Name, nameof(Name));
        Require(Representative, nameof(Representative));
        Require(Address, nameof(Address));
        Require(Phone, nameof(Phone));
        Require(Email, nameof(Email));
        if (!IsValidRegistrationNumber(InvoiceRegistrationNumber))
        {
            problems.Add($"{Section}:{nameof(InvoiceRegistrationNumber)}");
        }
        return problems;
    }

    /// <summary>Fails start-up with the names of the settings to fix.</summary>
    public sealed class Validator : IValidateOptions<OperatorOptions>
    {
        public ValidateOptionsResult Validate(string? name, OperatorOptions options) => options.Problems() is { Count: > 0 } problems
            ? ValidateOptionsResult.Fail(
                $"Operator settings are missing or malformed: {string.Join(", ", problems)}. Name, Representative, Address, Phone and Email "
                + "are required (the legal pages show them), and Operator:InvoiceRegistrationNumber is T followed by 13 digits.")
            : ValidateOptionsResult.Success;
    }

    // \z, not $: "$" would also accept a trailing newline (a value read from a secret file, say).
    [GeneratedRegex(@"^T[0-9]{13}\z")]
    private static partial Regex RegistrationNumber();
}
