using System.Text;

namespace EsimRenewal.Core.Sims;

/// <summary>
/// A SIM's ICCID: 19 or 20 digits, starting with 89 (telecom), the last digit a Luhn check digit.
/// Parsing is forgiving about spaces, hyphens and full-width digits, and validates before any lookup.
/// </summary>
public readonly record struct Iccid
{
    private Iccid(string value) => Value = value;

    public string Value { get; }

    public const int MaxLength = 20;

    public static bool TryParse(string? input, out Iccid iccid)
    {
        iccid = default;
        if (Check(input, out var value) is not null)
        {
            return false;
        }
        iccid = new Iccid(value);
        return true;
    }

    /// <summary>What is wrong with a typed ICCID (null when nothing is), so a person can fix it.</summary>
    public static IccidProblem? Check(string? input) => Check(input, out _);

    private static IccidProblem? Check(string? input, out string value)
    {
        value = "";
        if (string.IsNullOrWhiteSpace(input))
        {
            return IccidProblem.Empty;
        }
        if (input.Length > 64)
        {
            return IccidProblem.WrongLength;
        }
        var digits = new StringBuilder(MaxLength);
        foreach (var c in input.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (!char.IsWhiteSpace(c) && c != '-')
            {
                return IccidProblem.NotDigits;
            }
        }
        value = digits.ToString();
        if (value.Length is < 19 or > MaxLength)
        {
            return IccidProblem.WrongLength;
        }
        if (!value.StartsWith("89", StringComparison.Ordinal))
        {
            return IccidProblem.WrongPrefix;
        }
        return HasValidLuhnDigit(value) ? null : IccidProblem.WrongCheckDigit;
    }

    public static Iccid Parse(string input) =>
        TryParse(input, out var iccid) ? iccid : throw new FormatException("Not a valid ICCID.");

    /// <summary>Appends the Luhn check digit to an 18- or 19-digit body (used to mint eSIM ICCIDs).</summary>
    public static Iccid FromBody(string body)
    {
        if (body.Length is < 18 or > 19 || !body.All(char.IsAsciiDigit) || !body.StartsWith("89", StringComparison.Ordinal))
        {
            throw new ArgumentException("An ICCID body is 18 or 19 digits starting with 89.", nameof(body));
        }
        for (var check = '0'; check <= '9'; check++)
        {
            if (HasValidLuhnDigit(body + check))
            {
                return new Iccid(body + check);
            }
        }
        throw new InvalidOperationException("Unreachable: one Luhn digit always fits.");
    }

    internal static bool HasValidLuhnDigit(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    public override string ToString() => Value;
}

public enum IccidProblem
{
    Empty,

    /// <summary>Something other than digits, spaces and hyphens.</summary>
    NotDigits,

    /// <summary>Not 19 or 20 digits.</summary>
    WrongLength,

    /// <summary>Does not start with 89 (every SIM's ICCID does).</summary>
    WrongPrefix,

    /// <summary>The last digit does not match (Luhn): most likely a typo.</summary>
    WrongCheckDigit,
}
