using EsimRenewal.Core.Common;
using EsimRenewal.Core.Identity;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Accounts;

/// <summary>How roles and account states read on the admin pages and in invitations, in the current language.</summary>
public static class AccountText
{
    public static string Role(IStringLocalizer t, string role) => role switch
    {
        Roles.Admin => t["Admin.Users.Role.Admin"],
        Roles.Staff => t["Admin.Users.Role.Staff"],
        Roles.Traveller => t["Admin.Users.Role.Traveller"],
        _ => role,
    };

    public static string RoleList(IStringLocalizer t, IEnumerable<string> roles)
    {
        var names = roles.Select(r => Role(t, r)).ToList();
        return names.Count == 0 ? t["Admin.Users.NoRoles"] : string.Join(" · ", names);
    }

    /// <summary>Locked (by an admin, or until a time after failed sign-ins), waiting for its invitation, or active.</summary>
    public static string State(IStringLocalizer t, DateTimeOffset? lockoutEnd, bool hasPassword, DateTimeOffset now) =>
        AccountLock.IsLockedByAdmin(lockoutEnd) ? t["Admin.Users.State.Locked"]
        : AccountLock.IsLocked(lockoutEnd, now) ? t["Admin.Users.State.LockedUntil", Jst.Format(lockoutEnd!.Value)]
        : !hasPassword ? t["Admin.Users.State.Invited"]
        : t["Admin.Users.State.Active"];

    /// <summary>A short word for styling and tests: locked, invited or active.</summary>
    public static string StateCode(DateTimeOffset? lockoutEnd, bool hasPassword, DateTimeOffset now) =>
        AccountLock.IsLocked(lockoutEnd, now) ? "locked" : !hasPassword ? "invited" : "active";

    /// <summary>Why an admin's change to an account was refused.</summary>
    public static string Refusal(IStringLocalizer t, UserRefusal refusal) => refusal switch
    {
        UserRefusal.NotFound => t["Admin.Users.Refused.NotFound"],
        UserRefusal.NotAllowed => t["Admin.Users.Refused.NotAllowed"],
        UserRefusal.Duplicate => t["Admin.Users.Refused.Duplicate"],
        UserRefusal.AlreadyActive => t["Admin.Users.Refused.AlreadyActive"],
        UserRefusal.Locked => t["Admin.Users.Refused.Locked"],
        UserRefusal.LastAdmin => t["Admin.Users.Refused.LastAdmin"],
        UserRefusal.OwnAdminRole => t["Admin.Users.Refused.OwnAdminRole"],
        UserRefusal.OwnLock => t["Admin.Users.Refused.OwnLock"],
        _ => t["Admin.Users.Refused.Conflict"],
    };
}
