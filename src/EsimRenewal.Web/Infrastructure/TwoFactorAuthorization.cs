using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Claims;
using EsimRenewal.Core.Identity;
using EsimRenewal.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>
/// Met when this session signed in with a second factor (the claim <c>amr=mfa</c>, which Identity adds
/// at a two-factor sign-in and the portal adds when two-factor sign-in is turned on in the session)
/// <em>and</em> the account still has two-factor sign-in on now (read from the database, so turning it
/// off elsewhere counts at once, not only when the session is next re-validated).
/// </summary>
public sealed class TwoFactorRequirement : IAuthorizationRequirement;

public sealed class TwoFactorRequirementHandler(UserManager<ApplicationUser> users) : AuthorizationHandler<TwoFactorRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, TwoFactorRequirement requirement)
    {
        if (!context.User.HasClaim(TwoFactorService.AmrClaim, TwoFactorService.MfaValue)
            || context.User.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId)
        {
            return;
        }
        if (await users.FindByIdAsync(userId) is { TwoFactorEnabled: true })
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>
/// On a handler of a page that is open to admins in general, the actions that need
/// <see cref="Policies.AdminTwoFactor"/> (a refund on the order page). Whole folders are protected by the
/// policy in the page conventions; Razor Pages has no authorisation per handler, so
/// <see cref="TwoFactorHandlerFilter"/> reads this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresTwoFactorAttribute : Attribute;

/// <summary>Evaluates <see cref="Policies.AdminTwoFactor"/> before a handler marked <see cref="RequiresTwoFactorAttribute"/>.</summary>
public sealed class TwoFactorHandlerFilter(IAuthorizationService authorization) : IAsyncPageFilter
{
    /// <summary>Whether each handler method carries the attribute, read once per method rather than on every request.</summary>
    private static readonly ConcurrentDictionary<MethodInfo, bool> RequiresTwoFactor = new();

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HandlerMethod?.MethodInfo is { } handler
            && RequiresTwoFactor.GetOrAdd(handler, m => m.IsDefined(typeof(RequiresTwoFactorAttribute), inherit: true))
            && !(await authorization.AuthorizeAsync(context.HttpContext.User, Policies.AdminTwoFactor)).Succeeded)
        {
            context.Result = new RedirectResult(TwoFactorEnrolment.RequiredUrl(context.HttpContext.Request));
            return;
        }
        await next();
    }
}

/// <summary>
/// An admin refused only for want of a two-factor sign-in is sent to the two-factor page with the reason
/// and a way back, not to "access denied"; every other refusal is answered as usual.
/// </summary>
public sealed class TwoFactorAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure is { FailedRequirements: var failed }
            && failed.Any() && failed.All(r => r is TwoFactorRequirement))
        {
            context.Response.Redirect(TwoFactorEnrolment.RequiredUrl(context.Request));
            return Task.CompletedTask;
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>Where staff and admins turn two-factor sign-in on.</summary>
public static class TwoFactorEnrolment
{
    public const string Path = "/account/two-factor";

    /// <summary>The two-factor page, saying that what was asked needs it, with the way back (the page itself for a POST).</summary>
    public static string RequiredUrl(HttpRequest request)
    {
        var back = HttpMethods.IsGet(request.Method) ? request.Path + request.QueryString : request.Path.ToString();
        return $"{Path}?required=true&returnUrl={Uri.EscapeDataString(back)}";
    }

    /// <summary>The two-factor page offered after signing in, with the page to go on to (now or later).</summary>
    public static string PromptUrl(string next) => $"{Path}?returnUrl={Uri.EscapeDataString(next)}";
}
