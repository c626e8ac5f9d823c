using System.Text.RegularExpressions;

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

    [GeneratedRegex("^T[0-9]{13}$")]
    private static partial Regex RegistrationNumber();
}
