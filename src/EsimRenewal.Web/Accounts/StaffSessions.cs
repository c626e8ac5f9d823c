using System.Globalization;
using System.Security.Claims;
using EsimRenewal.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace EsimRenewal.Web.Accounts;

/// <summary>
/// Sessions of staff and admins end 12 hours after they signed in, whatever "keep me signed in" or
/// sliding renewal would otherwise allow (travellers keep 14 days). The sign-in time is kept in the
/// cookie's properties, which refreshing the session (a role change, a new password) carries over.
/// Also keeps the two-factor claim when the session is rebuilt from the database every minute.
/// </summary>
public static class StaffSessions
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(12);
    private const string SignedInAtKey = ".esim.signed-in-at";

    public static void Configure(CookieAuthenticationOptions options)
    {
        var validate = options.Events.OnValidatePrincipal; // Identity's security stamp check
        options.Events.OnSigningIn = OnSigningInAsync;
        options.Events.OnValidatePrincipal = async context =>
        {
            await validate(context);
            if (context.Principal is { } principal && IsStaff(principal))
            {
                var now = (context.Options.TimeProvider ?? TimeProvider.System).GetUtcNow();
                if (SignedInAt(context.Properties) is not { } signedInAt)
                {
                    // A traveller made staff during the session: the 12 hours count from now.
                    context.Properties.Items[SignedInAtKey] = Format(now);
                    context.ShouldRenew = true;
                }
                else if (now >= signedInAt + MaxLifetime)
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                }
            }
        };
    }

    /// <summary>Keeps the claim that this session passed a second factor when the security stamp check rebuilds the principal.</summary>
    public static Task KeepTwoFactorClaim(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal?.FindFirst(TwoFactorService.AmrClaim) is { } amr
            && context.NewPrincipal?.Identity is ClaimsIdentity identity && !identity.HasClaim(amr.Type, amr.Value))
        {
            identity.AddClaim(new Claim(amr.Type, amr.Value));
        }
        return Task.CompletedTask;
    }

    private static Task OnSigningInAsync(CookieSigningInContext context)
    {
        if (context.Principal is { } principal && IsStaff(principal))
        {
            var now = (context.Options.TimeProvider ?? TimeProvider.System).GetUtcNow();
            var signedInAt = SignedInAt(context.Properties) ?? now;
            context.Properties.Items[SignedInAtKey] = Format(signedInAt);
            var end = signedInAt + MaxLifetime;
            if (context.Properties.ExpiresUtc is not { } expires || expires > end)
            {
                context.Properties.ExpiresUtc = end;
            }
        }
        return Task.CompletedTask;
    }

    private static bool IsStaff(ClaimsPrincipal principal) => principal.IsInRole(Roles.Staff) || principal.IsInRole(Roles.Admin);

    private static DateTimeOffset? SignedInAt(AuthenticationProperties properties) =>
        properties.Items.TryGetValue(SignedInAtKey, out var value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static string Format(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
