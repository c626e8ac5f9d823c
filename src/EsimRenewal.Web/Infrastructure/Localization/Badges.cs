using EsimRenewal.Core.Common;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Reminders;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.Web.Accounts;
using EsimRenewal.Web.Vouchers;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Infrastructure.Localization;

/// <summary>
/// Status badges (site.css <c>.badge</c>): a state in words with a tone — ok, warn, danger, info, neutral.
/// The word carries the meaning; the colour only repeats it.
/// </summary>
public static class Badges
{
    public const string Ok = "ok";
    public const string Warn = "warn";
    public const string Danger = "danger";
    public const string Info = "info";
    public const string Neutral = "neutral";

    /// <summary>A SIM's validity: active, expiring soon (from the day the first reminder goes out), expired, or not activated.</summary>
    public enum SimValidity { Active, ExpiringSoon, Expired, NotActivated }

    public static SimValidity ValidityOf(DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        if (expiresAt is not { } expires)
        {
            return SimValidity.NotActivated;
        }
        if (expires <= now)
        {
            return SimValidity.Expired;
        }
        var daysLeft = Jst.DateOf(expires).DayNumber - Jst.DateOf(now).DayNumber;
        return daysLeft <= ReminderSchedule.DaysBefore(ReminderKind.ThreeDaysBefore) ? SimValidity.ExpiringSoon : SimValidity.Active;
    }

    public static IHtmlContent Sim(IStringLocalizer t, DateTimeOffset? expiresAt, DateTimeOffset now) => ValidityOf(expiresAt, now) switch
    {
        SimValidity.Active => Badge(Ok, t["Sims.Active"], "active"),
        SimValidity.ExpiringSoon => Badge(Warn, t["Sims.ExpiringSoon"], "expiring"),
        SimValidity.Expired => Badge(Danger, t["Sims.Expired"], "expired"),
        _ => Badge(Neutral, t["Sims.NotActivated"], "inactive"),
    };

    public static string ToneOf(OrderState state) => state switch
    {
        OrderState.Paid or OrderState.Fulfilled => Ok,
        OrderState.PendingPayment or OrderState.AwaitingAsyncPayment => Warn,
        OrderState.Failed => Danger,
        OrderState.Refunded => Info,
        _ => Neutral,
    };

    public static IHtmlContent Order(IStringLocalizer t, OrderState state) => Badge(ToneOf(state), t["Order.State." + state], state.ToString());

    /// <summary>A staff or admin account: active, invited (no password yet) or locked.</summary>
    public static IHtmlContent Account(IStringLocalizer t, DateTimeOffset? lockoutEnd, bool hasPassword, DateTimeOffset now)
    {
        var code = AccountText.StateCode(lockoutEnd, hasPassword, now);
        var tone = code switch { "locked" => Danger, "invited" => Warn, _ => Ok };
        return Badge(tone, AccountText.State(t, lockoutEnd, hasPassword, now), code);
    }

    public static IHtmlContent Voucher(IStringLocalizer t, VoucherState state) => Badge(
        state switch { VoucherState.Active => Ok, VoucherState.Redeemed => Info, VoucherState.Void => Danger, _ => Neutral },
        VoucherText.State(t, state),
        state.ToString());

    public static IHtmlContent Batch(IStringLocalizer t, VoucherBatchState state) => Badge(
        state switch { VoucherBatchState.Active => Ok, VoucherBatchState.Void => Danger, _ => Neutral },
        VoucherText.BatchState(t, state),
        state.ToString());

    /// <summary>A badge with a tone and words; <paramref name="state"/> becomes data-state, for tests and styles.</summary>
    public static IHtmlContent Badge(string tone, string text, string? state = null)
    {
        var span = new TagBuilder("span");
        span.AddCssClass("badge badge--" + tone);
        if (state is not null)
        {
            span.Attributes["data-state"] = state;
        }
        span.InnerHtml.Append(text);
        return span;
    }
}
