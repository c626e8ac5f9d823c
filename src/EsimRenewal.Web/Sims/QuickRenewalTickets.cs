using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace EsimRenewal.Web.Sims;

/// <summary>
/// After someone without an account proved they hold a SIM (card PIN, or a code sent to the eSIM's
/// email), a short-lived ticket in an HttpOnly cookie lets them choose a plan and pay for that SIM:
/// 30 minutes, signed and encrypted with the portal's Data Protection keys (valid on every instance),
/// never in a URL.
/// </summary>
public sealed class QuickRenewalTickets(IDataProtectionProvider dataProtection)
{
    public const string CookieName = "esim.quick-renew";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    private readonly ITimeLimitedDataProtector _protector = dataProtection.CreateProtector("EsimRenewal.QuickRenewal.Ticket.v1").ToTimeLimitedDataProtector();

    public void Issue(HttpContext context, Guid simId) =>
        context.Response.Cookies.Append(CookieName, _protector.Protect(simId.ToString("N"), Lifetime), new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
            Path = "/quick-renew",
            MaxAge = Lifetime,
        });

    /// <summary>The SIM the visitor proved they hold, if their ticket is valid.</summary>
    public Guid? Read(HttpContext context)
    {
        if (context.Request.Cookies[CookieName] is not { Length: > 0 and < 2_000 } ticket)
        {
            return null;
        }
        try
        {
            return Guid.TryParseExact(_protector.Unprotect(ticket), "N", out var simId) ? simId : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
