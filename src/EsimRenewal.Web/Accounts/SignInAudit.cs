using System.Text.Json.Serialization;
using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Identity;

namespace EsimRenewal.Web.Accounts;

/// <summary>
/// Sign-ins of staff and admins in the audit log, successful or not, with the address they came from.
/// Travellers' sign-ins are not staff actions and are not recorded.
/// </summary>
internal static class SignInAudit
{
    public static bool IsAudited(IReadOnlyCollection<string> roles) => roles.Contains(Roles.Staff) || roles.Contains(Roles.Admin);

    /// <summary>Records <paramref name="action"/> about <paramref name="user"/> when it is a staff or admin account.</summary>
    public static async Task RecordAsync(EsimDbContext db, ApplicationUser user, IReadOnlyCollection<string> roles, string action, string? ip, bool lockedOut, string? method, DateTimeOffset now, object? extra = null)
    {
        if (!IsAudited(roles))
        {
            return;
        }
        AuditLog.Record(db, new Actor(user.Id, user.UserName, ip), action, UserAdminService.EntityType, user.Id, null,
            new SignInSnapshot(roles.ToList(), user.AccessFailedCount, lockedOut ? user.LockoutEnd : null, method, extra), now);
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// An audited sign-in: the account's roles, its failed sign-ins in a row, until when it is locked out
    /// (if it is), and how the second step was passed (authenticator app or recovery code), if there was one.
    /// </summary>
    private sealed record SignInSnapshot(
        IReadOnlyList<string> Roles,
        int FailedSignIns,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? LockedUntil,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TwoFactor,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Detail);
}
