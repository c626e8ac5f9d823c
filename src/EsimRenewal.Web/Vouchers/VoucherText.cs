using System.Globalization;
using System.Security.Claims;
using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Vouchers;

/// <summary>How vouchers read in the UI, in the current language, and who is acting on a voucher page.</summary>
public static class VoucherText
{
    /// <summary>The message for a refusal; each reason has its own.</summary>
    public static string Refusal(IStringLocalizer t, VoucherFailure failure, RedemptionChannel viewer) => failure.Reason switch
    {
        VoucherRefusal.NotACode => t["Vouchers.Error.NotACode"],
        VoucherRefusal.ProbableTypo => t["Vouchers.Error.ProbableTypo"],
        VoucherRefusal.TooManyAttempts => t["Vouchers.Error.TooManyAttempts", failure.LockedUntil is { } until ? Jst.Format(until) : "—"],
        VoucherRefusal.ChallengeRequired => t["Challenge.Required"],
        VoucherRefusal.UnknownCode => t["Vouchers.Error.UnknownCode"],
        VoucherRefusal.NotYetActive => t["Vouchers.Error.NotYetActive"],
        VoucherRefusal.Void => t["Vouchers.Error.Void"],
        VoucherRefusal.Expired => t["Vouchers.Error.Expired"],
        VoucherRefusal.AlreadyRedeemed => t["Vouchers.Error.AlreadyRedeemed",
            failure.RedeemedAt is { } at ? Jst.Format(at) : "—", RedeemedVia(t, failure.RedeemedVia)],
        VoucherRefusal.PlanDoesNotFit => t["Vouchers.Error.PlanDoesNotFit"],
        VoucherRefusal.UnknownSim when viewer == RedemptionChannel.Staff => t["Staff.Error.UnknownIccid"],
        VoucherRefusal.UnknownSim => t["Redeem.Error.SimNotYours"],
        VoucherRefusal.NoFittingSim => t["Redeem.Error.NoFittingSim"],
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure.Reason, null),
    };

    public static string RedeemedVia(IStringLocalizer t, RedemptionChannel? channel) => channel switch
    {
        RedemptionChannel.Staff => t["Vouchers.RedeemedVia.Staff"],
        RedemptionChannel.Traveller => t["Vouchers.RedeemedVia.Traveller"],
        _ => "—",
    };

    public static string Channel(IStringLocalizer t, string channel) => channel switch
    {
        SalesChannels.FamilyMart => t["Vouchers.Channel.FamilyMart"],
        SalesChannels.Lawson => t["Vouchers.Channel.Lawson"],
        SalesChannels.Ministop => t["Vouchers.Channel.Ministop"],
        SalesChannels.Seicomart => t["Vouchers.Channel.Seicomart"],
        SalesChannels.SevenEleven => t["Vouchers.Channel.SevenEleven"],
        SalesChannels.DailyYamazaki => t["Vouchers.Channel.DailyYamazaki"],
        SalesChannels.SupportDesk => t["Vouchers.Channel.SupportDesk"],
        _ => channel,
    };

    public static string State(IStringLocalizer t, VoucherState state) => state switch
    {
        VoucherState.Issued => t["Vouchers.State.Issued"],
        VoucherState.Active => t["Vouchers.State.Active"],
        VoucherState.Redeemed => t["Vouchers.State.Redeemed"],
        VoucherState.Void => t["Vouchers.State.Void"],
        _ => t["Vouchers.State.Expired"],
    };

    public static string BatchState(IStringLocalizer t, VoucherBatchState state) => state switch
    {
        VoucherBatchState.Issued => t["Vouchers.State.Issued"],
        VoucherBatchState.Active => t["Vouchers.State.Active"],
        _ => t["Vouchers.State.Void"],
    };

    /// <summary>Which form field a refusal belongs to ("" for the form as a whole).</summary>
    public static string FieldOf(VoucherRefusal refusal, string simField) => refusal switch
    {
        VoucherRefusal.TooManyAttempts or VoucherRefusal.ChallengeRequired => string.Empty,
        VoucherRefusal.UnknownSim or VoucherRefusal.PlanDoesNotFit or VoucherRefusal.NoFittingSim => simField,
        _ => "Input.Code",
    };

    /// <summary>Only the last digits of an ICCID, for pages that do not need all of it.</summary>
    public static string MaskIccid(string iccid) => iccid.Length > 4 ? "…" + iccid[^4..] : iccid;

    /// <summary>A locked-out attempt answers 429 with Retry-After (as an HTTP date: no clock needed here).</summary>
    public static void SetStatusFor(this PageModel page, VoucherFailure failure)
    {
        if (failure.Reason == VoucherRefusal.ChallengeRequired)
        {
            page.RequireChallenge();
        }
        else if (failure.Reason == VoucherRefusal.TooManyAttempts)
        {
            page.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            if (failure.LockedUntil is { } until)
            {
                page.Response.Headers.RetryAfter = until.ToString("R", CultureInfo.InvariantCulture);
            }
        }
    }

    public static Redeemer RedeemerFor(this PageModel page, RedemptionChannel channel) => new(
        channel,
        page.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Voucher pages require a signed-in user."),
        page.User.Identity?.Name,
        page.HttpContext.Connection.RemoteIpAddress?.ToString(),
        Cultures.Normalize(CultureInfo.CurrentUICulture.Name),
        page.ChallengeSolution());

    public static Actor ActorFor(this PageModel page) => new(
        page.User.FindFirstValue(ClaimTypes.NameIdentifier),
        page.User.Identity?.Name,
        page.HttpContext.Connection.RemoteIpAddress?.ToString());
}
