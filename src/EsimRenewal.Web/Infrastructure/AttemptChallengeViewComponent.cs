using EsimRenewal.Core.Throttling;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>
/// Inside every form that leads to a limited attempt: when the visitor's address is held back, a
/// proof-of-work challenge that the browser solves (js/challenge.js) into the hidden field
/// <c>challenge</c>. Renders nothing otherwise.
/// </summary>
public sealed class AttemptChallengeViewComponent(AttemptLimiter limiter) : ViewComponent
{
    public const string FieldName = "challenge";

    /// <summary>Set by a page whose attempt was refused only for want of a solved challenge: the form then submits itself once solved.</summary>
    public const string AutoSubmitKey = "challenge-autosubmit";

    public async Task<IViewComponentResult> InvokeAsync(string purpose)
    {
        var challenge = await limiter.ChallengeForAsync(purpose, HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.RequestAborted);
        return challenge is null
            ? Content(string.Empty)
            : View(new AttemptChallengeView(challenge, ViewData[AutoSubmitKey] is true));
    }
}

public sealed record AttemptChallengeView(ProofOfWorkChallenge Challenge, bool AutoSubmit);

public static class AttemptChallengeExtensions
{
    /// <summary>The solved challenge a form carried, if any.</summary>
    public static string? ChallengeSolution(this PageModel page) =>
        page.Request.HasFormContentType && page.Request.Form.TryGetValue(AttemptChallengeViewComponent.FieldName, out var value) ? value.ToString() : null;

    /// <summary>Where the request comes from and the challenge solution its form carried, for the account services.</summary>
    public static Accounts.Origin Origin(this PageModel page) =>
        new(page.HttpContext.Connection.RemoteIpAddress?.ToString(), page.ChallengeSolution());

    /// <summary>
    /// Marks the response as "solve the challenge, then this form submits itself". The form then
    /// carries back what was typed (a PIN or code too, on this uncached answer only), so the person
    /// does not have to type it again.
    /// </summary>
    public static void RequireChallenge(this PageModel page)
    {
        page.ViewData[AttemptChallengeViewComponent.AutoSubmitKey] = true;
        page.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        page.Response.Headers.CacheControl = "no-store";
    }

    /// <summary>A secret field's value to put back in the form: only when it is about to submit itself.</summary>
    public static string? KeptForChallenge(this ViewDataDictionary viewData, string? typed) =>
        viewData[AttemptChallengeViewComponent.AutoSubmitKey] is true ? typed : null;
}
