using System.Text;
using System.Text.Json.Serialization;
using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EsimRenewal.Web.Accounts;

/// <summary>An account as the admins' list shows it.</summary>
public sealed record UserSummary(string Id, string? Email, string? Phone, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? LockoutEnd, bool HasPassword)
{
    public string Name => Email ?? Phone ?? Id;
}

public sealed record UserPage(IReadOnlyList<UserSummary> Users, int Page, bool HasNext);

/// <summary>One account for the admins' detail page.</summary>
public sealed record UserDetail(
    string Id,
    string? Email,
    string? Phone,
    IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LockoutEnd,
    bool HasPassword,
    string PreferredCulture,
    int FailedSignIns,
    bool TwoFactorEnabled,
    IReadOnlyList<AuditRow> History)
{
    public string Name => Email ?? Phone ?? Id;
}

public enum UserRefusal
{
    NotFound,

    /// <summary>The acting account is no longer an active admin (its session predates a demotion or a lock).</summary>
    NotAllowed,

    /// <summary>An account already signs in with this email address.</summary>
    Duplicate,

    /// <summary>The account has set its password already: there is nothing to invite it to.</summary>
    AlreadyActive,

    /// <summary>The account is locked: unlock it before inviting it again.</summary>
    Locked,

    LastAdmin,
    OwnAdminRole,
    OwnLock,

    /// <summary>The account changed at the same moment (a sign-in, another admin): nothing was changed.</summary>
    Conflict,
}

public sealed record UserResult(string? UserId, UserRefusal? Refusal)
{
    public bool Succeeded => Refusal is null;

    public static UserResult Done(string userId) => new(userId, null);

    public static implicit operator UserResult(UserRefusal refusal) => new(null, refusal);
}

/// <summary>What an invitation email says, made when it is sent.</summary>
public sealed record InvitationLink(string Url, DateTimeOffset ExpiresAt, IReadOnlyList<string> Roles);

/// <summary>
/// Accounts for admins: find them, invite staff and admins (an account without a password and an email
/// with a link to set one), change roles, lock and unlock. Every change is audited with the account's
/// roles and lock state before and after, and runs in a transaction that first takes one advisory lock,
/// so changes to roles and locks happen one at a time across every instance and the guards
/// (<see cref="AdminGuard"/>) hold even when two admins act at once.
/// </summary>
public sealed class UserAdminService(
    EsimDbContext db,
    UserManager<ApplicationUser> users,
    InvitationTokens invitations,
    IOptions<SiteOptions> site,
    TimeProvider clock,
    ILogger<UserAdminService> logger)
{
    public const int PageSize = 25;
    public const string EntityType = AuditTrail.UserEntityType;

    /// <summary>The roles an invitation can give: accounts for the desk and for admins (travellers register themselves).</summary>
    public static readonly IReadOnlyList<string> InvitableRoles = [Roles.Staff, Roles.Admin];

    private const long AccountsLockKey = 0x45_53_49_4D_55_53_45_52; // "ESIMUSER"

    /// <summary>
    /// Accounts matching <paramref name="query"/> (an account id, part of an email address, a mobile
    /// number in any format or some of its digits) and <paramref name="role"/>, newest first.
    /// </summary>
    public async Task<UserPage> SearchAsync(string? query, string? role, int page, CancellationToken ct = default)
    {
        var found = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query))
        {
            var text = query.Normalize(NormalizationForm.FormKC).Trim();
            if (SignInIdentifier.TryParse(text, out var identifier) && identifier.Kind == IdentifierKind.Phone)
            {
                found = found.Where(u => u.PhoneNumber == identifier.Value || u.Id == text);
            }
            else
            {
                var email = "%" + EscapeLike(text.ToUpperInvariant()) + "%";
                var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
                // Typed the Japanese way (090…), stored as E.164 (+8190…): the leading 0 is not stored.
                var phone = digits.Length >= 3 && digits.Length == text.Count(c => !(c is '-' or ' ' or '(' or ')' or '+'))
                    ? "%" + digits.TrimStart('0') + "%"
                    : null;
                found = found.Where(u => u.Id == text
                    || EF.Functions.Like(u.NormalizedEmail!, email, "\\")
                    || (phone != null && EF.Functions.Like(u.PhoneNumber!, phone)));
            }
        }
        if (!string.IsNullOrEmpty(role))
        {
            found = found.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == role)));
        }
        page = Math.Max(1, page);
        var rows = await found
            .OrderByDescending(u => u.CreatedAt).ThenBy(u => u.Id)
            .Skip((page - 1) * PageSize)
            .Take(PageSize + 1)
            .Select(u => new { u.Id, u.Email, u.PhoneNumber, u.CreatedAt, u.LockoutEnd, HasPassword = u.PasswordHash != null })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var roles = await RolesOfAsync(ids.ToArray(), ct);
        var list = rows.Take(PageSize)
            .Select(r => new UserSummary(r.Id, r.Email, r.PhoneNumber, roles.GetValueOrDefault(r.Id, []), r.CreatedAt, r.LockoutEnd, r.HasPassword))
            .ToList();
        return new UserPage(list, page, rows.Count > PageSize);
    }

    public async Task<UserDetail?> GetAsync(string userId, CancellationToken ct = default)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.Email, u.PhoneNumber, u.CreatedAt, u.LockoutEnd, HasPassword = u.PasswordHash != null, u.PreferredCulture, u.AccessFailedCount, u.TwoFactorEnabled })
            .SingleOrDefaultAsync(ct);
        if (user is null)
        {
            return null;
        }
        var roles = await RolesOfAsync([user.Id], ct);
        var history = await new AuditTrail(db).SearchAsync(new AuditSearch(EntityId: user.Id), ct);
        return new UserDetail(user.Id, user.Email, user.PhoneNumber, roles.GetValueOrDefault(user.Id, []), user.CreatedAt, user.LockoutEnd,
            user.HasPassword, user.PreferredCulture, user.AccessFailedCount, user.TwoFactorEnabled, history.Entries.Take(10).ToList());
    }

    /// <summary>
    /// Creates an account without a password for <paramref name="email"/> with <paramref name="role"/>,
    /// and queues an invitation in <paramref name="culture"/> (the account's language from then on).
    /// </summary>
    public async Task<UserResult> InviteAsync(SignInIdentifier email, string role, string culture, Actor actor, CancellationToken ct = default)
    {
        if (email.Kind != IdentifierKind.Email)
        {
            throw new ArgumentException("An invitation goes to an email address.", nameof(email));
        }
        if (!InvitableRoles.Contains(role))
        {
            throw new ArgumentException($"Invitations are for {string.Join(" and ", InvitableRoles)}, not '{role}'.", nameof(role));
        }
        await using var transaction = await BeginAsync(ct);
        if (!await IsActiveAdminAsync(actor, ct))
        {
            return UserRefusal.NotAllowed;
        }
        if (await users.FindByEmailAsync(email.Value) is not null || await users.FindByNameAsync(email.Value) is not null)
        {
            return UserRefusal.Duplicate;
        }
        var now = clock.GetUtcNow();
        var user = new ApplicationUser
        {
            UserName = email.Value,
            Email = email.Value,
            PreferredCulture = culture,
            CreatedAt = now,
            LockoutEnabled = true,
        };
        try
        {
            Check(await users.CreateAsync(user));
            Check(await users.AddToRoleAsync(user, role));
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return UserRefusal.Duplicate; // someone registered that address a moment ago
        }
        db.OutgoingEmails.Add(OutgoingEmail.Invitation(Guid.NewGuid(), user.Id, email.Value, culture, now, now + InvitationTokens.Lifetime));
        AuditLog.Record(db, actor, "user.invited", EntityType, user.Id, null, Snapshot([role], null, hasPassword: false, now) with { Email = email.Value, Language = culture }, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Account {UserId} invited as {Role} by {ActorId}", user.Id, role, actor.UserId);
        return UserResult.Done(user.Id);
    }

    /// <summary>Sends a new invitation to an account that has not set its password; earlier links stop working.</summary>
    public async Task<UserResult> ResendInvitationAsync(string userId, Actor actor, CancellationToken ct = default)
    {
        await using var transaction = await BeginAsync(ct);
        if (!await IsActiveAdminAsync(actor, ct))
        {
            return UserRefusal.NotAllowed;
        }
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return UserRefusal.NotFound;
        }
        var now = clock.GetUtcNow();
        if (await users.HasPasswordAsync(user) || user.Email is null)
        {
            return UserRefusal.AlreadyActive;
        }
        if (AccountLock.IsLockedByAdmin(user.LockoutEnd))
        {
            return UserRefusal.Locked;
        }
        if (!(await users.UpdateSecurityStampAsync(user)).Succeeded)
        {
            return UserRefusal.Conflict;
        }
        db.OutgoingEmails.Add(OutgoingEmail.Invitation(Guid.NewGuid(), user.Id, user.Email, user.PreferredCulture, now, now + InvitationTokens.Lifetime));
        AuditLog.Record(db, actor, "user.invitation-resent", EntityType, user.Id, null, new { email = user.Email, language = user.PreferredCulture }, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Invitation of account {UserId} sent again by {ActorId}", user.Id, actor.UserId);
        return UserResult.Done(user.Id);
    }

    /// <summary>Gives the account exactly <paramref name="roles"/> (any of <see cref="Roles.All"/>).</summary>
    public async Task<UserResult> SetRolesAsync(string userId, IReadOnlyCollection<string> roles, Actor actor, CancellationToken ct = default)
    {
        if (roles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
        {
            throw new ArgumentException($"Unknown role '{unknown}'.", nameof(roles));
        }
        await using var transaction = await BeginAsync(ct);
        if (!await IsActiveAdminAsync(actor, ct))
        {
            return UserRefusal.NotAllowed;
        }
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return UserRefusal.NotFound;
        }
        var now = clock.GetUtcNow();
        var before = Sorted(await users.GetRolesAsync(user));
        var after = Sorted(roles.Distinct());
        if (before.SequenceEqual(after))
        {
            return UserResult.Done(user.Id);
        }
        var removesAdmin = before.Contains(Roles.Admin) && !after.Contains(Roles.Admin);
        if (await GuardAsync(user, removesAdmin, actor, lockRequested: false, now, ct) is { } refusal)
        {
            return refusal;
        }
        var added = after.Except(before).ToList();
        var removed = before.Except(after).ToList();
        if ((added.Count > 0 && !(await users.AddToRolesAsync(user, added)).Succeeded)
            || (removed.Count > 0 && !(await users.RemoveFromRolesAsync(user, removed)).Succeeded))
        {
            return UserRefusal.Conflict;
        }
        var hasPassword = user.PasswordHash is not null;
        AuditLog.Record(db, actor, "user.roles-changed", EntityType, user.Id,
            Snapshot(before, user.LockoutEnd, hasPassword, now), Snapshot(after, user.LockoutEnd, hasPassword, now), now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Roles of account {UserId} changed by {ActorId}: added {Added}, removed {Removed}", user.Id, actor.UserId, added, removed);
        return UserResult.Done(user.Id);
    }

    /// <summary>Locks the account until an admin unlocks it; its sessions end (new security stamp) and its invitation link stops working.</summary>
    public async Task<UserResult> LockAsync(string userId, Actor actor, CancellationToken ct = default)
    {
        await using var transaction = await BeginAsync(ct);
        if (!await IsActiveAdminAsync(actor, ct))
        {
            return UserRefusal.NotAllowed;
        }
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return UserRefusal.NotFound;
        }
        var now = clock.GetUtcNow();
        if (AccountLock.IsLockedByAdmin(user.LockoutEnd))
        {
            return UserResult.Done(user.Id);
        }
        if (await GuardAsync(user, removesAdmin: false, actor, lockRequested: true, now, ct) is { } refusal)
        {
            return refusal;
        }
        var roles = Sorted(await users.GetRolesAsync(user));
        var before = Snapshot(roles, user.LockoutEnd, user.PasswordHash is not null, now);
        if (!(await users.SetLockoutEnabledAsync(user, true)).Succeeded
            || !(await users.SetLockoutEndDateAsync(user, AccountLock.Indefinitely)).Succeeded
            || !(await users.UpdateSecurityStampAsync(user)).Succeeded)
        {
            return UserRefusal.Conflict;
        }
        AuditLog.Record(db, actor, "user.locked", EntityType, user.Id, before, Snapshot(roles, user.LockoutEnd, user.PasswordHash is not null, now), now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Account {UserId} locked by {ActorId}", user.Id, actor.UserId);
        return UserResult.Done(user.Id);
    }

    /// <summary>Unlocks the account, whether an admin locked it or failed sign-ins did, and clears its failed sign-ins.</summary>
    public async Task<UserResult> UnlockAsync(string userId, Actor actor, CancellationToken ct = default)
    {
        await using var transaction = await BeginAsync(ct);
        if (!await IsActiveAdminAsync(actor, ct))
        {
            return UserRefusal.NotAllowed;
        }
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return UserRefusal.NotFound;
        }
        var now = clock.GetUtcNow();
        if (user.LockoutEnd is null && user.AccessFailedCount == 0)
        {
            return UserResult.Done(user.Id);
        }
        var roles = Sorted(await users.GetRolesAsync(user));
        var before = Snapshot(roles, user.LockoutEnd, user.PasswordHash is not null, now) with { FailedSignIns = user.AccessFailedCount };
        if (!(await users.SetLockoutEndDateAsync(user, null)).Succeeded || !(await users.ResetAccessFailedCountAsync(user)).Succeeded)
        {
            return UserRefusal.Conflict;
        }
        AuditLog.Record(db, actor, "user.unlocked", EntityType, user.Id, before,
            Snapshot(roles, user.LockoutEnd, user.PasswordHash is not null, now) with { FailedSignIns = 0 }, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Account {UserId} unlocked by {ActorId}", user.Id, actor.UserId);
        return UserResult.Done(user.Id);
    }

    /// <summary>
    /// Turns the account's two-factor sign-in off (its phone was lost along with its recovery codes): a
    /// new key, no recovery codes, its sessions end. The person signs in with the password and enrols again.
    /// </summary>
    public async Task<UserResult> ResetTwoFactorAsync(string userId, Actor actor, CancellationToken ct = default)
    {
        await using var transaction = await BeginAsync(ct);
        if (!await IsActiveAdminAsync(actor, ct))
        {
            return UserRefusal.NotAllowed;
        }
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return UserRefusal.NotFound;
        }
        if (!user.TwoFactorEnabled)
        {
            return UserResult.Done(user.Id);
        }
        await TwoFactorService.TurnOffAsync(users, user);
        AuditLog.Record(db, actor, "user.two-factor-reset", EntityType, user.Id, new { twoFactor = true }, new { twoFactor = false }, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Two-factor sign-in of account {UserId} reset by {ActorId}", user.Id, actor.UserId);
        return UserResult.Done(user.Id);
    }

    /// <summary>
    /// The link of an invitation email, made as it is sent; null when the invitation no longer applies
    /// (the account is gone, has a password, is locked by an admin, or now signs in with another address).
    /// </summary>
    public async Task<InvitationLink?> InvitationLinkAsync(string userId, string recipient, CancellationToken ct = default)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.Email, u.SecurityStamp, u.LockoutEnd, HasPassword = u.PasswordHash != null })
            .SingleOrDefaultAsync(ct);
        if (user is null || user.HasPassword || user.SecurityStamp is null || user.Email != recipient || AccountLock.IsLockedByAdmin(user.LockoutEnd))
        {
            return null;
        }
        var roles = await RolesOfAsync([user.Id], ct);
        var (token, expiresAt) = invitations.Issue(user.Id, user.SecurityStamp);
        return new InvitationLink(site.Value.Link(InvitationPath(token)), expiresAt, roles.GetValueOrDefault(user.Id, []));
    }

    public static string InvitationPath(string token) => "/account/invitation?token=" + Uri.EscapeDataString(token);

    /// <summary>The rules of <see cref="AdminGuard"/> against the database as it is now (inside the lock).</summary>
    private async Task<UserRefusal?> GuardAsync(ApplicationUser target, bool removesAdmin, Actor actor, bool lockRequested, DateTimeOffset now, CancellationToken ct)
    {
        var activeAdmins = await ActiveAdminIdsAsync(now, ct);
        var targetIsActiveAdmin = activeAdmins.Contains(target.Id);
        var others = activeAdmins.Count(id => id != target.Id);
        var refusal = lockRequested
            ? AdminGuard.ForLock(actor.UserId!, target.Id, targetIsActiveAdmin, others)
            : AdminGuard.ForRoleChange(actor.UserId!, target.Id, targetIsActiveAdmin, others, removesAdmin);
        return refusal switch
        {
            AdminGuardRefusal.LastAdmin => UserRefusal.LastAdmin,
            AdminGuardRefusal.OwnAdminRole => UserRefusal.OwnAdminRole,
            AdminGuardRefusal.OwnLock => UserRefusal.OwnLock,
            _ => null,
        };
    }

    /// <summary>Accounts that can manage accounts now: the Admin role, a password, not locked.</summary>
    private Task<List<string>> ActiveAdminIdsAsync(DateTimeOffset now, CancellationToken ct) => ActiveAdminIdsAsync(db, now, ct);

    internal static async Task<List<string>> ActiveAdminIdsAsync(EsimDbContext db, DateTimeOffset now, CancellationToken ct) =>
        await db.Users.Where(u => u.PasswordHash != null && (u.LockoutEnd == null || u.LockoutEnd <= now)
                && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin)))
            .Select(u => u.Id)
            .ToListAsync(ct);

    /// <summary>The acting admin, checked again inside the lock: a session can outlive a demotion or a lock for a moment.</summary>
    private async Task<bool> IsActiveAdminAsync(Actor actor, CancellationToken ct)
    {
        var actorId = actor.UserId ?? throw new ArgumentException("Accounts are managed by a signed-in admin.", nameof(actor));
        return (await ActiveAdminIdsAsync(clock.GetUtcNow(), ct)).Contains(actorId);
    }

    /// <summary>A transaction holding the lock that serialises every change to roles and locks (all instances).</summary>
    private Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginAsync(CancellationToken ct) => BeginAccountsChangeAsync(db, ct);

    /// <summary>
    /// A transaction holding the lock that serialises every change to roles, locks and admin accounts
    /// (also an admin deleting their own account), so the admin rules hold when two act at once.
    /// </summary>
    internal static async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginAccountsChangeAsync(EsimDbContext db, CancellationToken ct)
    {
        var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AccountsLockKey})", ct);
        return transaction;
    }

    private async Task<Dictionary<string, IReadOnlyList<string>>> RolesOfAsync(string[] userIds, CancellationToken ct)
    {
        var pairs = await db.UserRoles.AsNoTracking()
            .Where(ur => userIds.Contains(ur.UserId))
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .ToListAsync(ct);
        return pairs.GroupBy(p => p.UserId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)Sorted(g.Select(p => p.Name!)));
    }

    /// <summary>Roles in the order of <see cref="Roles.All"/> (Traveller, Staff, Admin).</summary>
    private static List<string> Sorted(IEnumerable<string> roles) =>
        roles.OrderBy(r => Roles.All.ToList().IndexOf(r) is var i && i < 0 ? int.MaxValue : i).ThenBy(r => r, StringComparer.Ordinal).ToList();

    private static AccountSnapshot Snapshot(IReadOnlyList<string> roles, DateTimeOffset? lockoutEnd, bool hasPassword, DateTimeOffset now) =>
        AccountLock.IsLocked(lockoutEnd, now) ? new(roles, true, lockoutEnd, hasPassword) : new(roles, false, null, hasPassword);

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Identity refused: " + string.Join("; ", result.Errors.Select(e => e.Code)));
        }
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>An account's state in an audit entry: roles and lock, never a password, hash, stamp or token.</summary>
    private sealed record AccountSnapshot(
        IReadOnlyList<string> Roles,
        bool Locked,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? LockedUntil,
        bool PasswordSet)
    {
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Email { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Language { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? FailedSignIns { get; init; }
    }
}
