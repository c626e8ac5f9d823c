namespace EsimRenewal.Web.Infrastructure;

/// <summary>
/// One rule for what no browser or proxy may keep: every response to a signed-in person, and every
/// page of the folders that show or take personal data or bearer secrets even without an account
/// (sign-in and registration, SIMs, orders and receipts, activation codes, voucher redemption, quick
/// renewal, the staff desk and admin) get <c>Cache-Control: no-store</c>. Public catalogue and legal
/// pages and static files are left to the defaults.
/// </summary>
public static class SensitivePages
{
    public static readonly IReadOnlyList<PathString> Folders =
        ["/account", "/sims", "/orders", "/redeem", "/quick-renew", "/staff", "/admin"];

    public static bool IsSensitive(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true || Folders.Any(folder => context.Request.Path.StartsWithSegments(folder));

    /// <summary>After authentication, so that the signed-in person is known.</summary>
    public static IApplicationBuilder UseNoStoreForSensitivePages(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (IsSensitive(context))
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.CacheControl = "no-store";
                context.Response.Headers.Pragma = "no-cache";
                return Task.CompletedTask;
            });
        }
        await next();
    });
}
