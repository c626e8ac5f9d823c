using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Payments;
using EsimRenewal.Core.Throttling;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EsimRenewal.Web.Accounts;

public static class AccountRules
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;
}

public enum RegistrationStatus
{
    Registered,
    Duplicate,
    Rejected,

    /// <summary>Many registrations came from this address lately: the form must carry a solved challenge.</summary>
    ChallengeRequired,
}

public sealed record RegistrationResult(RegistrationStatus Status, IReadOnlyList<string> Errors)
{
    public static readonly RegistrationResult Registered = new(RegistrationStatus.Registered, []);
    public static readonly RegistrationResult Duplicate = new(RegistrationStatus.Duplicate, []);
    public static readonly RegistrationResult ChallengeRequired = new(RegistrationStatus.ChallengeRequired, []);
}

public enum SignInStatus
{
    SignedIn,
    LockedOut,
    Failed,

    /// <summary>The password was right; the account has two-factor sign-in on, so a code comes next.</summary>
    RequiresTwoFactor,

    /// <summary>Many failures from this address lately: the form must carry a solved challenge (nothing was checked).</summary>
    ChallengeRequired,
}

/// <summary>
/// How a sign-in went and, when it succeeded, the account's roles (where it lands) and whether it has
/// two-factor sign-in on (staff and admins without it are asked to turn it on).
/// </summary>
public sealed record SignInOutcome(SignInStatus Status, IReadOnlyList<string> Roles, bool TwoFactorEnabled = false)
{
    public static readonly SignInOutcome Failed = new(SignInStatus.Failed, []);
    public static readonly SignInOutcome LockedOut = new(SignInStatus.LockedOut, []);
    public static readonly SignInOutcome RequiresTwoFactor = new(SignInStatus.RequiresTwoFactor, []);
    public static readonly SignInOutcome ChallengeRequired = new(SignInStatus.ChallengeRequired, []);

    /// <summary>Staff and admins are asked to turn two-factor sign-in on until they have.</summary>
    public bool ShouldEnrolTwoFactor => Status == SignInStatus.SignedIn && !TwoFactorEnabled && (Roles.Contains(Core.Identity.Roles.Staff) || Roles.Contains(Core.Identity.Roles.Admin));
}

/// <summary>Where a request comes from and the proof-of-work solution its form carried (when its address is held back).</summary>
public sealed record Origin(string? Ip, string? ChallengeSolution)
{
    public IReadOnlyList<AttemptSubject> With(params AttemptSubject[] subjects) => Ip is null ? subjects : [.. subjects, AttemptSubject.Address(Ip)];
}

public enum PasswordCheckStatus
{
    Done,

    /// <summary>The current password was wrong.</summary>
    WrongPassword,

    /// <summary>The new password was refused (<see cref="PasswordCheckResult.Errors"/>).</summary>
    Rejected,
    Locked,
    ChallengeRequired,

    /// <summary>The account is the last active admin: deleting it would leave no one to manage accounts.</summary>
    LastAdmin,
}

/// <summary>How an action that asks for the current password again went (changing it, deleting the account).</summary>
public sealed record PasswordCheckResult(PasswordCheckStatus Status, IReadOnlyList<string>? Errors = null, DateTimeOffset? LockedUntil = null)
{
    public static readonly PasswordCheckResult Done = new(PasswordCheckStatus.Done);
    public static readonly PasswordCheckResult WrongPassword = new(PasswordCheckStatus.WrongPassword);
    public static readonly PasswordCheckResult ChallengeRequired = new(PasswordCheckStatus.ChallengeRequired);
    public static readonly PasswordCheckResult LastAdmin = new(PasswordCheckStatus.LastAdmin);

    public static PasswordCheckResult Held(AttemptGate gate) =>
        gate.LockedUntil is { } until ? new(PasswordCheckStatus.Locked, LockedUntil: until) : ChallengeRequired;
}

public enum InvitationState
{
    /// <summary>The link is good: the account can set its password now.</summary>
    Open,

    /// <summary>Not a link this portal made, or one that a newer invitation or a lock replaced.</summary>
    Invalid,
    Expired,

    /// <summary>The password was set with it (or otherwise) already.</summary>
    Used,

    /// <summary>The password was refused (<see cref="InvitationResult.Errors"/>).</summary>
    Rejected,
    Accepted,
}

/// <summary>An invitation link as the accept page shows it, or how accepting it went.</summary>
public sealed record InvitationResult(InvitationState State, string? Email = null, IReadOnlyList<string>? Roles = null, IReadOnlyList<string>? Errors = null)
{
    public static readonly InvitationResult Invalid = new(InvitationState.Invalid);
    public static readonly InvitationResult Expired = new(InvitationState.Expired);
    public static readonly InvitationResult Used = new(InvitationState.Used);
}

/// <summary>What the profile page shows.</summary>
public sealed record Profile(string? Email, string? Phone, string PreferredCulture);

public enum ContactChange
{
    Saved,

    /// <summary>Another account uses this email address or mobile number.</summary>
    DuplicateEmail,
    DuplicatePhone,

    /// <summary>An account needs an email address or a mobile number to sign in with.</summary>
    NeedsOne,
}

/// <summary>
/// Registration and sign-in with an email address or a mobile number. Wraps Identity's managers so a
/// page makes one call per use case.
/// </summary>
public sealed class AccountService(
    EsimDbContext db,
    UserManager<ApplicationUser> users,
    SignInManager<ApplicationUser> signIn,
    InvitationTokens invitations,
    AttemptLimiter limiter,
    CheckoutService checkouts,
    DummyPasswordCheck dummyPassword,
    TimeProvider clock,
    ILogger<AccountService> logger)
{
    /// <summary>
    /// Creates a traveller account and signs it in. Nothing is written when it fails. Every registration
    /// counts against its address: past the limit the form must carry a solved challenge.
    /// </summary>
    public async Task<RegistrationResult> RegisterAsync(SignInIdentifier identifier, string password, string culture, Origin origin)
    {
        var subjects = origin.With();
        if (!(await limiter.CheckAsync(AttemptPurposes.Registration, subjects, origin.ChallengeSolution)).IsOpen)
        {
            return RegistrationResult.ChallengeRequired;
        }
        await limiter.RecordFailureAsync(AttemptPurposes.Registration, subjects, new Actor(null, "registration", origin.Ip));
        if (await FindAsync(identifier) is not null)
        {
            return RegistrationResult.Duplicate;
        }
        var user = new ApplicationUser
        {
            UserName = identifier.Value,
            Email = identifier.Kind == IdentifierKind.Email ? identifier.Value : null,
            PhoneNumber = identifier.Kind == IdentifierKind.Phone ? identifier.Value : null,
            PreferredCulture = culture,
            CreatedAt = clock.GetUtcNow(),
        };
        await using var transaction = await db.Database.BeginTransactionAsync();
        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user, password);
            if (created.Succeeded)
            {
                created = await users.AddToRoleAsync(user, Roles.Traveller);
            }
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Two registrations of the same identifier raced; the database let one through.
            return RegistrationResult.Duplicate;
        }
        if (!created.Succeeded)
        {
            return created.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail))
                ? RegistrationResult.Duplicate
                : new RegistrationResult(RegistrationStatus.Rejected, created.Errors.Select(e => e.Description).ToList());
        }
        await transaction.CommitAsync();
        await signIn.SignInAsync(user, isPersistent: false);
        logger.LogInformation("Account {UserId} registered with a {IdentifierKind}", user.Id, identifier.Kind);
        return RegistrationResult.Registered;
    }

    /// <summary>
    /// Signs in with the email address or the mobile number. Repeated failures lock the account for a
    /// while (Identity's lockout); an identifier that matches no account is locked the same way by the
    /// limiter, and takes as long (a password is hashed either way), so neither the answer nor its time
    /// tells whether an account exists. An address with many failures must solve a challenge, and is
    /// never locked. Sign-ins of staff and admins are audited, successful or not, with their address.
    /// </summary>
    public async Task<SignInOutcome> SignInAsync(SignInIdentifier identifier, string password, bool remember, Origin origin)
    {
        var user = await FindAsync(identifier);
        var subjects = user is null ? origin.With(AttemptSubject.Identifier(identifier.Value)) : origin.With();
        var gate = await limiter.CheckAsync(AttemptPurposes.SignIn, subjects, origin.ChallengeSolution);
        if (gate.LockedUntil is not null)
        {
            return SignInOutcome.LockedOut;
        }
        if (gate.ChallengeRequired)
        {
            return SignInOutcome.ChallengeRequired;
        }
        if (user is null)
        {
            dummyPassword.Verify(password);
            var held = await limiter.RecordFailureAsync(AttemptPurposes.SignIn, subjects, new Actor(null, "sign-in", origin.Ip));
            return held.LockedUntil is null ? SignInOutcome.Failed : SignInOutcome.LockedOut;
        }
        var wasLocked = await users.IsLockedOutAsync(user);
        var result = await signIn.PasswordSignInAsync(user, password, remember, lockoutOnFailure: true);
        if (result.RequiresTwoFactor)
        {
            return SignInOutcome.RequiresTwoFactor;
        }
        if (!result.Succeeded)
        {
            await limiter.RecordFailureAsync(AttemptPurposes.SignIn, subjects, new Actor(null, "sign-in", origin.Ip));
        }
        var roles = (await users.GetRolesAsync(user)).ToList();
        var action = result.Succeeded ? "account.signed-in"
            : !result.IsLockedOut ? "account.sign-in-failed"
            : wasLocked ? "account.sign-in-refused-locked"
            : "account.locked-out";
        await SignInAudit.RecordAsync(db, user, roles, action, origin.Ip, result.IsLockedOut, method: null, clock.GetUtcNow());
        if (result.IsLockedOut)
        {
            logger.LogWarning("Account {UserId} is locked out after repeated failed sign-ins", user.Id);
            return SignInOutcome.LockedOut;
        }
        return result.Succeeded ? new SignInOutcome(SignInStatus.SignedIn, roles, user.TwoFactorEnabled) : SignInOutcome.Failed;
    }

    /// <summary>What an invitation link opens: the account to set a password for, or why not.</summary>
    public async Task<InvitationResult> ReadInvitationAsync(string? token)
    {
        var (state, user) = await OpenInvitationAsync(token);
        return state != InvitationState.Open ? new InvitationResult(state) : new InvitationResult(state, user!.Email, (await users.GetRolesAsync(user)).ToList());
    }

    /// <summary>
    /// Sets the invited account's password and signs it in. The link works once: setting the password
    /// changes the security stamp the token carries, and of two submissions at once the database
    /// (the account's concurrency stamp) lets one through.
    /// </summary>
    public async Task<InvitationResult> AcceptInvitationAsync(string? token, string password, string? ip)
    {
        var (state, user) = await OpenInvitationAsync(token);
        if (state != InvitationState.Open)
        {
            return new InvitationResult(state);
        }
        await using var transaction = await db.Database.BeginTransactionAsync();
        user!.EmailConfirmed = true; // the link reached that mailbox
        // Failed sign-ins before there was a password were guesses at nothing: they do not keep the invitee out.
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        var added = await users.AddPasswordAsync(user, password);
        if (!added.Succeeded)
        {
            return added.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.ConcurrencyFailure) or nameof(IdentityErrorDescriber.UserAlreadyHasPassword))
                ? InvitationResult.Used
                : new InvitationResult(InvitationState.Rejected, Errors: added.Errors.Select(e => e.Description).Distinct().ToList());
        }
        var roles = (await users.GetRolesAsync(user)).ToList();
        AuditLog.Record(db, new Actor(user.Id, user.UserName, ip), "user.invitation-accepted", UserAdminService.EntityType, user.Id,
            null, new { roles, passwordSet = true }, clock.GetUtcNow());
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await signIn.SignInAsync(user, isPersistent: false);
        logger.LogInformation("Account {UserId} accepted its invitation", user.Id);
        return new InvitationResult(InvitationState.Accepted, user.Email, roles);
    }

    private async Task<(InvitationState State, ApplicationUser? User)> OpenInvitationAsync(string? token)
    {
        var ticket = invitations.Read(token);
        if (ticket.State == InvitationTokenState.Invalid || await users.FindByIdAsync(ticket.UserId!) is not { } user)
        {
            return (InvitationState.Invalid, null);
        }
        if (await users.HasPasswordAsync(user))
        {
            return (InvitationState.Used, null);
        }
        if (ticket.State == InvitationTokenState.Expired)
        {
            return (InvitationState.Expired, null);
        }
        // A newer invitation or an admin's lock changed the stamp since this link was made. (A lockout after
        // failed sign-ins does not count: anyone can cause one by guessing at the address.)
        return ticket.SecurityStamp == await users.GetSecurityStampAsync(user) && !AccountLock.IsLockedByAdmin(user.LockoutEnd)
            ? (InvitationState.Open, user)
            : (InvitationState.Invalid, null);
    }

    public Task SignOutAsync() => signIn.SignOutAsync();

    public async Task<Profile> GetProfileAsync(string userId) =>
        await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new Profile(u.Email, u.PhoneNumber, u.PreferredCulture)).SingleAsync();

    /// <summary>
    /// Changes the email address and mobile number (either may be removed while the other remains).
    /// Each stays unique across accounts; the user name follows (the email, else the number).
    /// </summary>
    public async Task<ContactChange> ChangeContactAsync(string userId, SignInIdentifier? email, SignInIdentifier? phone)
    {
        if (email is null && phone is null)
        {
            return ContactChange.NeedsOne;
        }
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException($"No account {userId}.");
        if (email is not null && await FindAsync(email) is { } emailOwner && emailOwner.Id != userId)
        {
            return ContactChange.DuplicateEmail;
        }
        if (phone is not null && await FindAsync(phone) is { } phoneOwner && phoneOwner.Id != userId)
        {
            return ContactChange.DuplicatePhone;
        }
        if (user.Email != email?.Value)
        {
            user.Email = email?.Value;
            user.EmailConfirmed = false;
        }
        user.PhoneNumber = phone?.Value;
        user.UserName = email?.Value ?? phone!.Value;
        IdentityResult updated;
        try
        {
            updated = await users.UpdateAsync(user);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            // Another account took it a moment ago; the database let one through.
            return unique.ConstraintName?.Contains("phone", StringComparison.Ordinal) == true ? ContactChange.DuplicatePhone : ContactChange.DuplicateEmail;
        }
        if (!updated.Succeeded)
        {
            return updated.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.DuplicateEmail)) ? ContactChange.DuplicateEmail : ContactChange.DuplicatePhone;
        }
        await signIn.RefreshSignInAsync(user);
        logger.LogInformation("Account {UserId} changed its contact details", userId);
        return ContactChange.Saved;
    }

    /// <summary>
    /// Changes the password after checking the current one; other sessions end (new security stamp).
    /// Wrong current passwords count per account and per address, so a stolen session cannot guess it.
    /// </summary>
    public async Task<PasswordCheckResult> ChangePasswordAsync(string userId, string currentPassword, string newPassword, Origin origin)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException($"No account {userId}.");
        var subjects = origin.With(AttemptSubject.Account(userId));
        var gate = await limiter.CheckAsync(AttemptPurposes.PasswordCheck, subjects, origin.ChallengeSolution);
        if (!gate.IsOpen)
        {
            return PasswordCheckResult.Held(gate);
        }
        if (!await users.CheckPasswordAsync(user, currentPassword))
        {
            await limiter.RecordFailureAsync(AttemptPurposes.PasswordCheck, subjects, new Actor(userId, user.UserName, origin.Ip));
            return PasswordCheckResult.WrongPassword;
        }
        var changed = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!changed.Succeeded)
        {
            return new PasswordCheckResult(PasswordCheckStatus.Rejected, changed.Errors.Select(e => e.Description).Distinct().ToList());
        }
        await signIn.RefreshSignInAsync(user);
        logger.LogInformation("Account {UserId} changed its password", userId);
        return PasswordCheckResult.Done;
    }

    /// <summary>The language of the account's emails (receipts, reminders).</summary>
    public async Task SetPreferredCultureAsync(string userId, string culture)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException($"No account {userId}.");
        user.PreferredCulture = culture;
        await users.UpdateAsync(user);
    }

    /// <summary>
    /// Deletes the account after checking its password. Its unpaid checkouts are closed at the payment
    /// provider first, so they can no longer be paid. Its SIMs are detached (a physical SIM can be added
    /// again with its PIN); its orders stay as financial records without the personal data, and no email
    /// about them or to its address is sent or keeps the address; nothing is left half done (one transaction).
    /// </summary>
    public async Task<PasswordCheckResult> DeleteAsync(string userId, string password, Origin origin)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException($"No account {userId}.");
        var subjects = origin.With(AttemptSubject.Account(userId));
        var gate = await limiter.CheckAsync(AttemptPurposes.PasswordCheck, subjects, origin.ChallengeSolution);
        if (!gate.IsOpen)
        {
            return PasswordCheckResult.Held(gate);
        }
        if (!await users.CheckPasswordAsync(user, password))
        {
            await limiter.RecordFailureAsync(AttemptPurposes.PasswordCheck, subjects, new Actor(userId, user.UserName, origin.Ip));
            return PasswordCheckResult.WrongPassword;
        }
        if (await IsLastAdminAsync(userId))
        {
            return PasswordCheckResult.LastAdmin;
        }
        await CloseOpenCheckoutsAsync(userId);
        await using var transaction = await UserAdminService.BeginAccountsChangeAsync(db, CancellationToken.None);
        if (await IsLastAdminAsync(userId)) // again under the lock: another admin may have gone meanwhile
        {
            return PasswordCheckResult.LastAdmin;
        }
        var now = clock.GetUtcNow();
        foreach (var sim in await db.Sims.Where(s => s.OwnerId == userId).ToListAsync())
        {
            sim.Detach();
        }
        var orders = await db.Orders.Where(o => o.UserId == userId).ToListAsync();
        foreach (var order in orders)
        {
            order.RemovePersonalData(now);
        }
        await db.SaveChangesAsync();
        // Emails to them and about their orders (a phone account's receipts went to the address given at checkout):
        // the unsent ones are not sent, and none keeps the address.
        var email = user.Email;
        var orderIds = orders.Select(o => (Guid?)o.Id).ToList();
        await db.OutgoingEmails.Where(e => (email != null && e.Recipient == email) || orderIds.Contains(e.OrderId)).ExecuteUpdateAsync(e => e
            .SetProperty(x => x.Recipient, "")
            .SetProperty(x => x.Secret, (string?)null)
            .SetProperty(x => x.DiscardedAt, x => x.SentAt == null && x.DiscardedAt == null ? now : x.DiscardedAt));
        var deleted = await users.DeleteAsync(user);
        if (!deleted.Succeeded)
        {
            throw new InvalidOperationException("Deleting account " + userId + " failed: " + string.Join("; ", deleted.Errors.Select(e => e.Code)));
        }
        await transaction.CommitAsync();
        await signIn.SignOutAsync();
        logger.LogInformation("Account {UserId} was deleted by its owner", userId);
        return PasswordCheckResult.Done;
    }

    private async Task<bool> IsLastAdminAsync(string userId)
    {
        var admins = await UserAdminService.ActiveAdminIdsAsync(db, clock.GetUtcNow(), CancellationToken.None);
        return AdminGuard.ForDeletion(admins.Contains(userId), admins.Count(id => id != userId)) is not null;
    }

    /// <summary>
    /// Closes the account's unpaid checkouts at the payment provider (the buyer's own cancel). One the provider
    /// cannot close now stays open until it expires: fulfilment then neither refills the email nor issues an
    /// eSIM without an owner (docs/decisions/0028).
    /// </summary>
    private async Task CloseOpenCheckoutsAsync(string userId)
    {
        var pending = await db.Orders.AsNoTracking()
            .Where(o => o.UserId == userId && o.State == Core.Orders.OrderState.PendingPayment)
            .Select(o => o.Id)
            .ToListAsync();
        foreach (var orderId in pending)
        {
            var outcome = await checkouts.CancelAsync(userId, orderId);
            if (outcome != CancelOutcome.Cancelled)
            {
                logger.LogWarning("Deleting account {UserId}: order {OrderId} could not be cancelled ({Outcome})", userId, orderId, outcome);
            }
        }
    }

    /// <summary>The account that signs in with this email address or mobile number.</summary>
    private async Task<ApplicationUser?> FindAsync(SignInIdentifier identifier) => identifier.Kind == IdentifierKind.Email
        ? await users.FindByEmailAsync(identifier.Value)
        : await users.Users.SingleOrDefaultAsync(u => u.PhoneNumber == identifier.Value);
}
