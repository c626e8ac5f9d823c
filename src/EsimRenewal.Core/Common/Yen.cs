using System.Globalization;

namespace EsimRenewal.Core.Common;

/// <summary>
/// An amount of Japanese yen. JPY is a zero-decimal currency: the amount is whole yen, stored as an
/// integer and sent to Stripe as the same number (¥1,500 → 1500).
/// </summary>
public readonly record struct Yen
{
    public Yen(long amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        Amount = amount;
    }

    public long Amount { get; }

    /// <summary>The ISO 4217 code as payment providers write it.</summary>
    public const string CurrencyCode = "jpy";

    public static Yen Zero => new(0);

    /// <summary>
    /// The one place where a yen amount becomes a payment provider's minor-unit amount. JPY has no
    /// minor unit, so this is the amount itself; nothing anywhere multiplies by 100.
    /// </summary>
    public long ToMinorUnits() => Amount;

    public static Yen FromMinorUnits(long minorUnits) => new(minorUnits);

    public override string ToString() => "¥" + Amount.ToString("#,0", CultureInfo.InvariantCulture);
}
