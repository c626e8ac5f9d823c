using EsimRenewal.StripeEmulator.State;

namespace EsimRenewal.StripeEmulator.Payments;

/// <summary>What a test card does when charged, like Stripe's test mode.</summary>
public sealed record CardVerdict(bool Approved, string? Code, string? DeclineCode, string Message, CardSummary? Card);

/// <summary>
/// Stripe's test card numbers (https://docs.stripe.com/testing): 4242 4242 4242 4242 succeeds,
/// 4000 0000 0000 0002 is declined, a few others decline for a stated reason; a number that fails
/// the Luhn check is "incorrect"; any other valid number is refused as a live card used in test mode.
/// </summary>
public static class TestCards
{
    private static readonly Dictionary<string, (string Code, string? DeclineCode, string Message)> Failures = new()
    {
        ["4000000000000002"] = ("card_declined", "generic_decline", "Your card was declined."),
        ["4000000000009995"] = ("card_declined", "insufficient_funds", "Your card has insufficient funds."),
        ["4000000000009987"] = ("card_declined", "lost_card", "Your card was declined."),
        ["4000000000000069"] = ("expired_card", null, "Your card has expired."),
        ["4000000000000127"] = ("incorrect_cvc", null, "Your card's security code is incorrect."),
        ["4000000000000119"] = ("processing_error", null, "An error occurred while processing your card. Try again in a little bit."),
    };

    private static readonly HashSet<string> Successes =
    [
        "4242424242424242", "4000056655665556", "5555555555554444", "2223003122003222", "5200828282828210",
        "378282246310005", "371449635398431", "3566002020360505", "6011111111111117", "36227206271667",
    ];

    public static CardVerdict Charge(string? number, string? expiry, string? cvc, DateTimeOffset now)
    {
        var digits = new string((number ?? string.Empty).Where(c => c is not (' ' or '-')).ToArray());
        if (digits.Length is < 12 or > 19 || !digits.All(char.IsAsciiDigit) || !PassesLuhn(digits))
        {
            return Refused("incorrect_number", "Your card number is incorrect.");
        }

        if (!TryReadExpiry(expiry, out var month, out var year))
        {
            return Refused("invalid_expiry_month", "Your card's expiration date is incomplete or invalid.");
        }

        if (year < now.Year || (year == now.Year && month < now.Month))
        {
            return Refused("invalid_expiry_year", "Your card's expiration year is in the past.");
        }

        var cvcDigits = (cvc ?? string.Empty).Trim();
        if (cvcDigits.Length is < 3 or > 4 || !cvcDigits.All(char.IsAsciiDigit))
        {
            return Refused("invalid_cvc", "Your card's security code is invalid.");
        }

        if (Failures.TryGetValue(digits, out var failure))
        {
            return new CardVerdict(false, failure.Code, failure.DeclineCode, failure.Message, null);
        }

        if (!Successes.Contains(digits))
        {
            return new CardVerdict(
                false,
                "card_declined",
                "test_mode_live_card",
                "Your card was declined. Your request was in test mode, but used a non test (live) card. " +
                "For a list of valid test cards, visit: https://stripe.com/docs/testing.",
                null);
        }

        return new CardVerdict(true, null, null, "Payment succeeded.", new CardSummary(Brand(digits), digits[^4..], month, year));
    }

    private static CardVerdict Refused(string code, string message) => new(false, code, null, message, null);

    private static bool TryReadExpiry(string? expiry, out int month, out int year)
    {
        month = 0;
        year = 0;
        var parts = (expiry ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal).Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out month) || !int.TryParse(parts[1], out year) || month is < 1 or > 12)
        {
            return false;
        }

        year = year < 100 ? 2000 + year : year;
        return true;
    }

    private static string Brand(string digits) => digits switch
    {
        _ when digits.StartsWith('4') => "visa",
        _ when digits.StartsWith('5') || digits.StartsWith('2') => "mastercard",
        _ when digits.StartsWith("34", StringComparison.Ordinal) || digits.StartsWith("37", StringComparison.Ordinal) => "amex",
        _ when digits.StartsWith("35", StringComparison.Ordinal) => "jcb",
        _ when digits.StartsWith('6') => "discover",
        _ when digits.StartsWith("36", StringComparison.Ordinal) => "diners",
        _ => "unknown",
    };

    private static bool PassesLuhn(string digits)
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
}
