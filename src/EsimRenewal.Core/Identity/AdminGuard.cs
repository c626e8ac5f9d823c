namespace EsimRenewal.Core.Identity;

/// <summary>How an account is locked: Identity's lockout end, read the way the admin pages show it.</summary>
public static class AccountLock
{
    /// <summary>
    /// The lockout end of an account an admin locked: far in the future, yet a date PostgreSQL and .NET
    /// both represent exactly (<see cref="DateTimeOffset.MaxValue"/> rounds past year 9999 in timestamptz).
    /// </summary>
    public static readonly DateTimeOffset Indefinitely = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public static bool IsLocked(DateTimeOffset? lockoutEnd, DateTimeOffset now) => lockoutEnd is { } end && end > now;

    /// <summary>Locked by an admin (until unlocked), as opposed to for a while after failed sign-ins.</summary>
    public static bool IsLockedByAdmin(DateTimeOffset? lockoutEnd) => lockoutEnd is { } end && end >= Indefinitely;
}

/// <summary>Why an admin may not change an account's roles, lock it or delete it.</summary>
public enum AdminGuardRefusal
{
    /// <summary>The change would leave no active admin (one with a password, not locked).</summary>
    LastAdmin,

    /// <summary>An admin cannot remove their own Admin role.</summary>
    OwnAdminRole,

    /// <summary>An admin cannot lock their own account.</summary>
    OwnLock,
}

/// <summary>
/// The rules that keep someone able to manage accounts: an admin never demotes or locks themselves,
/// and the last active admin (Admin role, a password, not locked) is never demoted or locked. The
/// service applies them under a lock that serialises every change to roles and locks, so two admins
/// demoting each other at once cannot both succeed.
/// </summary>
public static class AdminGuard
{
    /// <param name="actorId">The admin making the change.</param>
    /// <param name="targetId">The account changed.</param>
    /// <param name="targetIsActiveAdmin">The account is an active admin now.</param>
    /// <param name="otherActiveAdmins">Active admins other than the account changed.</param>
    /// <param name="removesAdmin">The change takes the Admin role away.</param>
    public static AdminGuardRefusal? ForRoleChange(string actorId, string targetId, bool targetIsActiveAdmin, int otherActiveAdmins, bool removesAdmin)
    {
        if (!removesAdmin)
        {
            return null;
        }
        if (targetIsActiveAdmin && otherActiveAdmins == 0)
        {
            return AdminGuardRefusal.LastAdmin;
        }
        return actorId == targetId ? AdminGuardRefusal.OwnAdminRole : null;
    }

    /// <summary>An account deleting itself: never the last active admin (someone must be left to manage accounts).</summary>
    public static AdminGuardRefusal? ForDeletion(bool targetIsActiveAdmin, int otherActiveAdmins) =>
        targetIsActiveAdmin && otherActiveAdmins == 0 ? AdminGuardRefusal.LastAdmin : null;

    public static AdminGuardRefusal? ForLock(string actorId, string targetId, bool targetIsActiveAdmin, int otherActiveAdmins)
    {
        if (targetIsActiveAdmin && otherActiveAdmins == 0)
        {
            return AdminGuardRefusal.LastAdmin;
        }
        return actorId == targetId ? AdminGuardRefusal.OwnLock : null;
    }
}
