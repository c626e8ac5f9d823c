using System.Globalization;
using System.Security.Claims;
using System.Text;
using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Throttling;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.Web.Accounts;

/// <summary>What the two-factor page shows: on or off, the key to enrol with (only while off), the recovery codes left.</summary>
public sealed record TwoFactorState(bool Enabled, string? SharedKey, string? AuthenticatorUri, int RecoveryCodesLeft, bool SignedInWithTwoFactor);

public enum TwoFactorStatus
{
    Done,

    /// <summary>Not a code of the authenticator (or not a recovery code of the account).</summary>
    WrongCode,

    /// <summary>The password (asked again before turning two-factor sign-in off) was wrong.</summary>
    WrongPassword,

    /// <summary>No sign-in waits for a second step (it timed out, or none was started): sign in again.</summary>
    NoPendingSignIn,

    /// <summary>Two-factor sign-in is off, or already on, for what was asked.</summary>
    NotApplicable,
    Locked,
    ChallengeRequired,
}

/// <summary>How a two-factor action went: at sign-in the account's roles; after turning it on, the recovery codes (shown once).</summary>
public sealed record TwoFactorResult(TwoFactorStatus Status, IReadOnlyList<string>? Roles = null, IReadOnlyList<string>? RecoveryCodes = null, DateTimeOffset? LockedUntil = null)
{
    public static readonly TwoFactorResult WrongCode = new(TwoFactorStatus.WrongCode);
    public static readonly TwoFactorResult WrongPassword = new(TwoFactorStatus.WrongPassword);
    public static readonly TwoFactorResult NoPendingSignIn = new(TwoFactorStatus.NoPendingSignIn);
    public static readonly TwoFactorResult NotApplicable = new(TwoFactorStatus.NotApplicable);
    public static readonly TwoFactorResult ChallengeRequired = new(TwoFactorStatus.ChallengeRequired);

    public static TwoFactorResult Held(AttemptGate gate) =>
        gate.LockedUntil is { } until ? new(TwoFactorStatus.Locked, LockedUntil: until) : ChallengeRequired;
}

/// <summary>
/// Two-factor sign-in with an authenticator app (TOTP, RFC 6238) through ASP.NET Core Identity's own
/// support: the authenticator key, its verification, recovery codes, and the second step of signing in.
/// A sign-in that passed the second step carries the claim <c>amr=mfa</c> (Identity adds it), which the
/// admins' protected actions require (<see cref="Infrastructure.TwoFactorRequirement"/>). Enrolment,
/// turning it off, new recovery codes, recovery-code sign-ins and failed codes are audited.
/// </summary>
public sealed class TwoFactorService(
    EsimDbContext db,
    UserManager<ApplicationUser> users,
    SignInManager<ApplicationUser> signIn,
    AttemptLimiter limiter,
    TimeProvider clock,
    ILogger<TwoFactorService> logger)
{
    public const int RecoveryCodeCount = 10;
    public const string Issuer = "EsimRenewal";

    /// <summary>The claim Identity adds to a sign-in that passed a second factor.</summary>
    public const string AmrClaim = "amr";
    public const string MfaValue = "mfa";

    /// <summary>The account's two-factor state; while it is off, the key to scan (made the first time it is asked for).</summary>
    public async Task<TwoFactorState> GetStateAsync(ClaimsPrincipal principal)
    {
        var user = await UserOf(principal);
        var signedInWithTwoFactor = principal.HasClaim(AmrClaim, MfaValue);
        if (user.TwoFactorEnabled)
        {
            return new TwoFactorState(true, null, null, await users.CountRecoveryCodesAsync(user), signedInWithTwoFactor);
        }
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            key = await CreateKeyOnceAsync(user);
            // A new key changes the security stamp: keep this session.
            await RefreshAsync(user, keepTwoFactorClaim: false);
        }
        return new TwoFactorState(false, key, AuthenticatorUri(user.UserName!, key), 0, signedInWithTwoFactor);
    }

    /// <summary>
    /// The account's first authenticator key. Pages opened at once (two tabs, a double load) all find no
    /// key: under a lock per account the first makes it and the others read that one.
    /// </summary>
    private async Task<string> CreateKeyOnceAsync(ApplicationUser user)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"authenticator-key:" + user.Id}, 0))");
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            Check(await users.ResetAuthenticatorKeyAsync(user));
            key = await users.GetAuthenticatorKeyAsync(user);
        }
        await transaction.CommitAsync();
        await db.Entry(user).ReloadAsync(); // the security stamp the key's creation wrote, for the session
        return key!;
    }

    /// <summary>
    /// Turns two-factor sign-in on once a first code from the app proves the key was scanned; returns the
    /// recovery codes, which are shown this once. This session then counts as signed in with two factors.
    /// </summary>
    public async Task<TwoFactorResult> EnableAsync(ClaimsPrincipal principal, string? code, string? ip)
    {
        var user = await UserOf(principal);
        if (user.TwoFactorEnabled)
        {
            return TwoFactorResult.NotApplicable;
        }
        if (Normalize(code) is not { } totp || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, totp))
        {
            return TwoFactorResult.WrongCode;
        }
        var enabled = await users.SetTwoFactorEnabledAsync(user, true);
        if (!enabled.Succeeded)
        {
            return TwoFactorResult.NotApplicable;
        }
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList();
        AuditLog.Record(db, new Actor(user.Id, user.UserName, ip), "account.two-factor-enabled", UserAdminService.EntityType, user.Id,
            new { twoFactor = false }, new { twoFactor = true, recoveryCodes = codes.Count }, clock.GetUtcNow());
        await db.SaveChangesAsync();
        await RefreshAsync(user, keepTwoFactorClaim: true);
        logger.LogInformation("Account {UserId} turned two-factor sign-in on", user.Id);
        return new TwoFactorResult(TwoFactorStatus.Done, RecoveryCodes: codes);
    }

    /// <summary>New recovery codes (the old ones stop working), after a current code from the app.</summary>
    public async Task<TwoFactorResult> NewRecoveryCodesAsync(ClaimsPrincipal principal, string? code, string? ip)
    {
        var user = await UserOf(principal);
        if (!user.TwoFactorEnabled)
        {
            return TwoFactorResult.NotApplicable;
        }
        if (Normalize(code) is not { } totp || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, totp))
        {
            return TwoFactorResult.WrongCode;
        }
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList();
        AuditLog.Record(db, new Actor(user.Id, user.UserName, ip), "account.recovery-codes-renewed", UserAdminService.EntityType, user.Id,
            null, new { recoveryCodes = codes.Count }, clock.GetUtcNow());
        await db.SaveChangesAsync();
        logger.LogInformation("Account {UserId} made new recovery codes", user.Id);
        return new TwoFactorResult(TwoFactorStatus.Done, RecoveryCodes: codes);
    }

    /// <summary>
    /// Turns two-factor sign-in off after the password (a lost phone: sign in with a recovery code, then
    /// enrol a new one): a new key, no recovery codes; other sessions end; this one no longer counts as
    /// signed in with two factors.
    /// </summary>
    public async Task<TwoFactorResult> DisableAsync(ClaimsPrincipal principal, string password, Origin origin)
    {
        var user = await UserOf(principal);
        if (!user.TwoFactorEnabled)
        {
            return TwoFactorResult.NotApplicable;
        }
        var subjects = origin.With(AttemptSubject.Account(user.Id));
        var gate = await limiter.CheckAsync(AttemptPurposes.PasswordCheck, subjects, origin.ChallengeSolution);
        if (!gate.IsOpen)
        {
            return TwoFactorResult.Held(gate);
        }
        if (!await users.CheckPasswordAsync(user, password))
        {
            await limiter.RecordFailureAsync(AttemptPurposes.PasswordCheck, subjects, new Actor(user.Id, user.UserName, origin.Ip));
            return TwoFactorResult.WrongPassword;
        }
        await TurnOffAsync(users, user);
        AuditLog.Record(db, new Actor(user.Id, user.UserName, origin.Ip), "account.two-factor-reset", UserAdminService.EntityType, user.Id,
            new { twoFactor = true }, new { twoFactor = false }, clock.GetUtcNow());
        await db.SaveChangesAsync();
        await RefreshAsync(user, keepTwoFactorClaim: false);
        logger.LogInformation("Account {UserId} turned two-factor sign-in off", user.Id);
        return new TwoFactorResult(TwoFactorStatus.Done);
    }

    /// <summary>Off, with a new key and no recovery codes (also what an admin's reset does).</summary>
    internal static async Task TurnOffAsync(UserManager<ApplicationUser> users, ApplicationUser user)
    {
        Check(await users.SetTwoFactorEnabledAsync(user, false));
        Check(await users.ResetAuthenticatorKeyAsync(user));
        await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
    }

    /// <summary>Whether a sign-in is waiting for its second step in this browser.</summary>
    public async Task<bool> HasPendingSignInAsync() => await signIn.GetTwoFactorAuthenticationUserAsync() is not null;

    /// <summary>
    /// The second step of signing in with a code from the authenticator app. Wrong codes count towards
    /// Identity's lockout of the account and against the address (which is then asked for a challenge).
    /// </summary>
    public async Task<TwoFactorResult> SignInWithCodeAsync(string? code, bool remember, Origin origin)
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is not { } user)
        {
            return TwoFactorResult.NoPendingSignIn;
        }
        var subjects = origin.With(AttemptSubject.Account(user.Id));
        var gate = await limiter.CheckAsync(AttemptPurposes.TwoFactor, subjects, origin.ChallengeSolution);
        if (!gate.IsOpen)
        {
            return TwoFactorResult.Held(gate);
        }
        var result = Normalize(code) is { } totp
            ? await signIn.TwoFactorAuthenticatorSignInAsync(totp, remember, rememberClient: false)
            : Microsoft.AspNetCore.Identity.SignInResult.Failed;
        return await FinishAsync(user, result, "authenticator", subjects, origin);
    }

    /// <summary>The second step with a recovery code instead: each code works once. Wrong codes count like wrong authenticator codes.</summary>
    public async Task<TwoFactorResult> SignInWithRecoveryCodeAsync(string? code, Origin origin)
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is not { } user)
        {
            return TwoFactorResult.NoPendingSignIn;
        }
        var subjects = origin.With(AttemptSubject.Account(user.Id));
        var gate = await limiter.CheckAsync(AttemptPurposes.TwoFactor, subjects, origin.ChallengeSolution);
        if (!gate.IsOpen)
        {
            return TwoFactorResult.Held(gate);
        }
        var recoveryCode = NormalizeRecoveryCode(code);
        var result = recoveryCode is null || await users.IsLockedOutAsync(user)
            ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        return await FinishAsync(user, result, "recovery-code", subjects, origin);
    }

    private async Task<TwoFactorResult> FinishAsync(ApplicationUser user, Microsoft.AspNetCore.Identity.SignInResult result, string method, IReadOnlyList<AttemptSubject> subjects, Origin origin)
    {
        user = (await users.FindByIdAsync(user.Id))!; // failed counts and lockout as they are now
        var roles = (await users.GetRolesAsync(user)).ToList();
        var now = clock.GetUtcNow();
        if (result.Succeeded)
        {
            if (method == "recovery-code")
            {
                var left = await users.CountRecoveryCodesAsync(user);
                AuditLog.Record(db, new Actor(user.Id, user.UserName, origin.Ip), "account.recovery-code-used", UserAdminService.EntityType, user.Id,
                    null, new { recoveryCodesLeft = left }, now);
                logger.LogInformation("Account {UserId} signed in with a recovery code; {RecoveryCodesLeft} left", user.Id, left);
            }
            await SignInAudit.RecordAsync(db, user, roles, "account.signed-in", origin.Ip, lockedOut: false, method, now);
            await db.SaveChangesAsync();
            return new TwoFactorResult(TwoFactorStatus.Done, roles);
        }
        await limiter.RecordFailureAsync(AttemptPurposes.TwoFactor, subjects, new Actor(user.Id, user.UserName, origin.Ip));
        var lockedOut = await users.IsLockedOutAsync(user);
        await SignInAudit.RecordAsync(db, user, roles, lockedOut ? "account.locked-out" : "account.two-factor-failed", origin.Ip, lockedOut, method, now);
        return lockedOut ? new TwoFactorResult(TwoFactorStatus.Locked, LockedUntil: user.LockoutEnd) : TwoFactorResult.WrongCode;
    }

    /// <summary>
    /// Signs this browser in again as <paramref name="user"/> with the session's own properties (so
    /// "keep me signed in" and its limits stay), with or without the two-factor claim.
    /// </summary>
    private async Task RefreshAsync(ApplicationUser user, bool keepTwoFactorClaim)
    {
        var auth = await signIn.Context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        Claim[] claims = keepTwoFactorClaim ? [new Claim(AmrClaim, MfaValue)] : [];
        await signIn.SignInWithClaimsAsync(user, auth.Properties, claims);
    }

    private async Task<ApplicationUser> UserOf(ClaimsPrincipal principal) =>
        await users.GetUserAsync(principal) ?? throw new InvalidOperationException("No signed-in user.");

    /// <summary>The six digits of a code typed with spaces or a hyphen ("123 456"), or null when it is not one.</summary>
    internal static string? Normalize(string? code)
    {
        var digits = new string((code ?? "").Where(c => c is not (' ' or '-' or '\u3000')).Select(Fullwidth).ToArray());
        return digits.Length == 6 && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    /// <summary>A recovery code as Identity stores it (XXXXX-XXXXX, upper case), forgiving case and spaces; null when it cannot be one.</summary>
    internal static string? NormalizeRecoveryCode(string? code)
    {
        var text = new string((code ?? "").Where(c => !char.IsWhiteSpace(c)).Select(Fullwidth).ToArray()).ToUpperInvariant();
        if (text.Length == 10 && text.All(char.IsAsciiLetterOrDigit))
        {
            text = text[..5] + "-" + text[5..];
        }
        return text.Length == 11 && text[5] == '-' && text.Remove(5, 1).All(char.IsAsciiLetterOrDigit) ? text : null;
    }

    private static char Fullwidth(char c) => c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;

    /// <summary>The otpauth URI an authenticator app reads from the QR code (Google's Key Uri Format).</summary>
    internal static string AuthenticatorUri(string account, string key) =>
        string.Create(CultureInfo.InvariantCulture,
            $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(account)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30");

    /// <summary>The key in groups of four, as it is typed into an app by hand.</summary>
    public static string Grouped(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            text.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(i + 4 < key.Length ? " " : "");
        }
        return text.ToString().ToLowerInvariant();
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Changing two-factor sign-in failed: " + string.Join("; ", result.Errors.Select(e => e.Code)));
        }
    }
}
