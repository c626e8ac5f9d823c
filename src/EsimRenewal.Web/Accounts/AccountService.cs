using EsimRenewal.Core.Data;
using EsimRenewal.Core.Identity;
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
}

public sealed record RegistrationResult(RegistrationStatus Status, IReadOnlyList<string> Errors)
{
    public static readonly RegistrationResult Registered = new(RegistrationStatus.Registered, []);
    public static readonly RegistrationResult Duplicate = new(RegistrationStatus.Duplicate, []);
}

public enum SignInStatus
{
    SignedIn,
    LockedOut,
    Failed,
}

/// <summary>
/// Registration and sign-in with an email address or a mobile number. Wraps Identity's managers so a
/// page makes one call per use case.
/// </summary>
public sealed class AccountService(
    EsimDbContext db,
    UserManager<ApplicationUser> users,
    SignInManager<ApplicationUser> signIn,
    TimeProvider clock,
    ILogger<AccountService> logger)
{
    /// <summary>Creates a traveller account and signs it in. Nothing is written when it fails.</summary>
    public async Task<RegistrationResult> RegisterAsync(SignInIdentifier identifier, string password, string culture)
    {
        if (await users.FindByNameAsync(identifier.Value) is not null)
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

    /// <summary>Signs in; repeated failures lock the account for a while (Identity lockout).</summary>
    public async Task<SignInStatus> SignInAsync(SignInIdentifier identifier, string password, bool remember)
    {
        var user = await users.FindByNameAsync(identifier.Value);
        if (user is null)
        {
            return SignInStatus.Failed;
        }
        var result = await signIn.PasswordSignInAsync(user, password, remember, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            logger.LogWarning("Account {UserId} is locked out after repeated failed sign-ins", user.Id);
            return SignInStatus.LockedOut;
        }
        return result.Succeeded ? SignInStatus.SignedIn : SignInStatus.Failed;
    }

    public Task SignOutAsync() => signIn.SignOutAsync();
}
