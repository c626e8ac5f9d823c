using EsimRenewal.Core.Identity;

namespace EsimRenewal.Web.Accounts;

/// <summary>Where an account lands after signing in (unless it came from a page of the portal): admins on the dashboard, staff at the desk, travellers on their SIMs.</summary>
public static class Landing
{
    public const string Admin = "/admin";
    public const string Staff = "/staff/redeem";
    public const string Traveller = "/sims";

    public static string For(IReadOnlyCollection<string> roles) =>
        roles.Contains(Roles.Admin) ? Admin
        : roles.Contains(Roles.Staff) ? Staff
        : Traveller;
}
