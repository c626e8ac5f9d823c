using System.Net.Mail;
using System.Text;
using PhoneNumbers;

namespace EsimRenewal.Core.Identity;

public enum IdentifierKind
{
    Email,
    Phone,
}

/// <summary>
/// What a traveller signs in with: an email address (lower-cased) or a mobile number normalised to
/// E.164. Numbers without a country code are read as Japanese (090-1234-5678 → +819012345678).
/// </summary>
public sealed record SignInIdentifier(IdentifierKind Kind, string Value)
{
    public const int EmailMaxLength = 254;
    private const string DefaultRegion = "JP";
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public static bool TryParse(string? input, out SignInIdentifier identifier)
    {
        identifier = null!;
        if (string.IsNullOrWhiteSpace(input) || input.Length > EmailMaxLength)
        {
            return false;
        }
        var text = input.Normalize(NormalizationForm.FormKC).Trim();
        if (text.Contains('@'))
        {
            if (!IsEmail(text))
            {
                return false;
            }
            identifier = new SignInIdentifier(IdentifierKind.Email, text.ToLowerInvariant());
            return true;
        }
        if (TryNormalizePhone(text, out var e164))
        {
            identifier = new SignInIdentifier(IdentifierKind.Phone, e164);
            return true;
        }
        return false;
    }

    private static bool IsEmail(string text)
    {
        if (text.Any(char.IsWhiteSpace) || text.Count(c => c == '@') != 1)
        {
            return false;
        }
        var at = text.IndexOf('@');
        var domain = text[(at + 1)..];
        if (at == 0 || !domain.Contains('.') || domain.StartsWith('.') || domain.EndsWith('.') || domain.Contains(".."))
        {
            return false;
        }
        return MailAddress.TryCreate(text, out var address) && address.Address == text;
    }

    private static bool TryNormalizePhone(string text, out string e164)
    {
        e164 = "";
        if (text.Any(c => !(char.IsAsciiDigit(c) || c is '+' or '-' or ' ' or '(' or ')' or '.')))
        {
            return false;
        }
        try
        {
            var number = Phones.Parse(text, DefaultRegion);
            if (!Phones.IsValidNumber(number))
            {
                return false;
            }
            var type = Phones.GetNumberType(number);
            if (type is not (PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE))
            {
                return false;
            }
            e164 = Phones.Format(number, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }
}
