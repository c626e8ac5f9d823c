namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>Who a page is for: the least privileged visitor who may see it.</summary>
public enum Audience
{
    Anonymous,
    Traveller,
    Staff,
    Admin,
}

/// <summary>
/// What to do on a page before looking at it: type into fields (by data-testid) and press a button (by
/// data-testid). The page that follows is the one looked at, e.g. a form showing its errors.
/// </summary>
public sealed record PageAction(IReadOnlyDictionary<string, string> Fill, string Submit);

/// <summary>
/// One view of one Razor Page: the page (its view path, as Razor Pages names it), who sees it, how to
/// reach a sample of it with <see cref="PageSamples"/>, and what the response's status is. A page
/// without a sample (<see cref="Url"/> null) is not a screen; <see cref="Reason"/> says why.
/// </summary>
public sealed record CataloguedPage(
    string Page,
    Audience Audience,
    Func<PageSamples, string>? Url,
    int Status = 200,
    Func<PageSamples, PageAction>? Then = null,
    string? Reason = null,
    string? Name = null)
{
    public override string ToString() => Name ?? Page;
}

/// <summary>
/// Every page of the portal, with the audience that sees it and a sample URL: the list the browser tour
/// (tests/EsimRenewal.BrowserTests/Pages) walks through in three languages and two sizes, next to the
/// authorisation matrix. A test fails when a Razor Page exists that is not listed here, so a new page
/// must be added (and is then checked for accessibility, overflow and language like the others).
/// </summary>
public static class PageCatalogue
{
    private static PageAction Submit(string button, params (string Field, string Value)[] fill) =>
        new(fill.ToDictionary(f => f.Field, f => f.Value), button);

    public static IReadOnlyList<CataloguedPage> All { get; } =
    [
        // Anyone
        new("/Index", Audience.Anonymous, _ => "/"),
        new("/Plans/Details", Audience.Anonymous, s => "/plans/" + s.PlanCode),
        new("/Account/Login", Audience.Anonymous, _ => "/account/login"),
        new("/Account/Login", Audience.Anonymous, _ => "/account/login", Then: _ => Submit("login-submit"), Name: "/Account/Login (errors)"),
        new("/Account/LoginTwoFactor", Audience.Anonymous, _ => "/account/login",
            Then: _ => Submit("login-submit", ("identifier", PageSamples.AdminEmail), ("password", PageSamples.Password))),
        new("/Account/Register", Audience.Anonymous, _ => "/account/register"),
        new("/Account/AccessDenied", Audience.Anonymous, _ => "/account/access-denied"),
        new("/Account/Invitation", Audience.Anonymous, s => s.InvitationPath),
        new("/Account/Logout", Audience.Traveller, _ => "/account/logout"),
        new("/Culture", Audience.Anonymous, null, Reason: "Redirects only: the language links in every page's header go through it"),
        new("/QuickRenew/Index", Audience.Anonymous, _ => "/quick-renew"),
        new("/QuickRenew/Plan", Audience.Anonymous, _ => "/quick-renew",
            Then: s => Submit("physical-submit", ("physical-iccid", s.GuestIccid), ("pin", s.GuestPin))),
        new("/Legal/Commerce", Audience.Anonymous, _ => "/legal/commerce"),
        new("/Legal/Terms", Audience.Anonymous, _ => "/legal/terms"),
        new("/Legal/Privacy", Audience.Anonymous, _ => "/legal/privacy"),
        new("/Legal/Refunds", Audience.Anonymous, _ => "/legal/refunds"),
        new("/Status", Audience.Anonymous, _ => "/no-such-page", Status: 404, Name: "/Status (404)"),
        new("/Status", Audience.Anonymous, _ => "/status/403", Name: "/Status (403)"),
        new("/Status", Audience.Anonymous, _ => "/status/429", Name: "/Status (too many attempts)"),
        new("/Error", Audience.Anonymous, _ => "/error", Name: "/Error (500)"),

        // Travellers
        new("/Account/Profile", Audience.Traveller, _ => "/account/profile"),
        new("/Account/TwoFactor", Audience.Traveller, _ => "/account/two-factor"),
        new("/Sims/Index", Audience.Traveller, _ => "/sims"),
        new("/Sims/Add", Audience.Traveller, _ => "/sims/add"),
        new("/Sims/Details", Audience.Traveller, s => $"/sims/{s.SimId}"),
        new("/Sims/Details", Audience.Traveller, s => $"/sims/{s.EsimId}", Name: "/Sims/Details (eSIM)"),
        new("/Sims/Renew", Audience.Traveller, s => $"/sims/{s.SimId}/renew"),
        new("/Orders/Index", Audience.Traveller, _ => "/orders"),
        new("/Orders/Details", Audience.Traveller, s => $"/orders/{s.OrderId}"),
        new("/Redeem/Index", Audience.Traveller, _ => "/redeem"),
        new("/Redeem/Index", Audience.Traveller, _ => "/redeem",
            Then: s => Submit("redeem-find", ("voucher-code", s.VoucherCode)), Name: "/Redeem/Index (choose a SIM)"),

        // Staff (and admins)
        new("/Staff/Redeem", Audience.Staff, _ => "/staff/redeem"),
        new("/Staff/Redeem", Audience.Staff, _ => "/staff/redeem",
            Then: s => Submit("staff-preview-submit", ("voucher-code", s.VoucherCode), ("iccid", s.SimIccid)), Name: "/Staff/Redeem (preview)"),
        new("/Staff/Slip", Audience.Staff, s => $"/staff/redeem/slip/{s.SlipId}"),
        new("/Staff/Slip", Audience.Staff, s => $"/staff/redeem/slip/{s.SlipId}?paper=80mm", Name: "/Staff/Slip (80 mm)"),
        new("/Staff/Vouchers", Audience.Staff, _ => "/staff/vouchers"),

        // Admins
        new("/Admin/Index", Audience.Admin, _ => "/admin"),
        new("/Admin/Plans/Index", Audience.Admin, _ => "/admin/plans"),
        new("/Admin/Plans/Create", Audience.Admin, _ => "/admin/plans/new"),
        new("/Admin/Plans/Edit", Audience.Admin, s => $"/admin/plans/{s.PlanId}"),
        new("/Admin/Orders/Index", Audience.Admin, _ => "/admin/orders"),
        new("/Admin/Orders/Details", Audience.Admin, s => $"/admin/orders/{s.OrderId}"),
        new("/Admin/Vouchers/Index", Audience.Admin, _ => "/admin/vouchers"),
        new("/Admin/Vouchers/Details", Audience.Admin, s => $"/admin/vouchers/{s.BatchId}"),
        new("/Admin/Users/Index", Audience.Admin, _ => "/admin/users"),
        new("/Admin/Users/Invite", Audience.Admin, _ => "/admin/users/invite"),
        new("/Admin/Users/Details", Audience.Admin, s => $"/admin/users/{s.StaffUserId}"),
        new("/Admin/Audit/Index", Audience.Admin, _ => "/admin/audit"),
    ];

    /// <summary>The views that are screens (have a sample), for the browser tour.</summary>
    public static IEnumerable<CataloguedPage> Screens => All.Where(p => p.Url is not null);
}
