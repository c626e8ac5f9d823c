using System.Globalization;
using EsimRenewal.Core.Plans;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Infrastructure.Localization;

/// <summary>How plan terms read in the UI, in the current language.</summary>
public static class Display
{
    public static string Data(IStringLocalizer t, long? dataMb, int? dailyFairUseMb)
    {
        if (dataMb is { } mb)
        {
            return t["Plan.DataGb", Gigabytes(mb)];
        }
        return dailyFairUseMb is { } cap ? t["Plan.UnlimitedWithCap", Gigabytes(cap)] : t["Plan.Unlimited"];
    }

    public static string Days(IStringLocalizer t, int days) => days == 1 ? t["Plan.OneDay"] : t["Plan.Days", days];

    public static string Kinds(IStringLocalizer t, SimKinds kinds) => kinds switch
    {
        SimKinds.Physical => t["Sim.Kind.Physical"],
        SimKinds.Esim => t["Sim.Kind.Esim"],
        _ => t["Sim.Kind.Both"],
    };

    public static string Kind(IStringLocalizer t, SimKind kind) =>
        kind == SimKind.Physical ? t["Sim.Kind.Physical"] : t["Sim.Kind.Esim"];

    /// <summary>"12 days left" / "expires today", counted in JST calendar days.</summary>
    public static string DaysLeft(IStringLocalizer t, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var days = Core.Common.Jst.DateOf(expiresAt).DayNumber - Core.Common.Jst.DateOf(now).DayNumber;
        return days switch
        {
            <= 0 => t["Sims.ExpiresToday"],
            1 => t["Sims.OneDayLeft"],
            _ => t["Sims.DaysLeft", days],
        };
    }

    /// <summary>A payment method as Stripe names it (<c>card</c>, <c>wechat_pay</c>…), or a voucher.</summary>
    public static string PaymentMethod(IStringLocalizer t, string? method) => method switch
    {
        "card" => t["Payment.Method.Card"],
        "alipay" => t["Payment.Method.Alipay"],
        "wechat_pay" => t["Payment.Method.WechatPay"],
        "paypay" => t["Payment.Method.PayPay"],
        "konbini" => t["Payment.Method.Konbini"],
        "voucher" => t["Payment.Method.Voucher"],
        null or "" => "—",
        _ => method,
    };

    private static string Gigabytes(long mb) => (mb / 1024m).ToString("0.#", CultureInfo.InvariantCulture);
}
