using System.Collections.Frozen;
using System.Globalization;

namespace EsimRenewal.StripeEmulator.Infrastructure;

/// <summary>Currencies Stripe knows, which of them are zero-decimal, and how amounts are shown.</summary>
public static class Money
{
    /// <summary>Amounts in these currencies are whole units: JPY 1500 is ¥1,500.</summary>
    public static readonly FrozenSet<string> ZeroDecimal = FrozenSet.ToFrozenSet(
    [
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
    ]);

    public static readonly FrozenSet<string> Supported = FrozenSet.ToFrozenSet(
    [
        "usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt", "bgn",
        "bhd", "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad", "cdf", "chf", "clp", "cny",
        "cop", "crc", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "etb", "eur", "fjd", "fkp", "gbp", "gel",
        "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl", "htg", "huf", "idr", "ils", "inr", "isk", "jmd", "jod",
        "jpy", "kes", "kgs", "khr", "kmf", "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad",
        "mdl", "mga", "mkd", "mmk", "mnt", "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio",
        "nok", "npr", "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd", "rub",
        "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sos", "srd", "std", "szl", "thb", "tjs", "tnd",
        "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "uyu", "uzs", "vnd", "vuv", "wst", "xaf", "xcd", "xof",
        "xpf", "yer", "zar", "zmw",
    ]);

    /// <summary>Stripe's minimum charge for JPY; other currencies are not checked.</summary>
    public const long MinimumJpy = 50;

    /// <summary>Stripe's maximum amount (eight digits).</summary>
    public const long Maximum = 99_999_999;

    /// <summary>¥1,500 for jpy 1500; 15.00 USD for usd 1500.</summary>
    public static string Format(long amount, string currency)
    {
        if (currency == "jpy")
        {
            return "¥" + amount.ToString("N0", CultureInfo.InvariantCulture);
        }

        var upper = currency.ToUpperInvariant();
        return ZeroDecimal.Contains(currency)
            ? $"{amount.ToString("N0", CultureInfo.InvariantCulture)} {upper}"
            : $"{(amount / 100m).ToString("N2", CultureInfo.InvariantCulture)} {upper}";
    }
}
