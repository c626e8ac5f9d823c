using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace EsimRenewal.Web.Accounts;

public enum InvitationTokenState
{
    Valid,

    /// <summary>Not a token this portal made (garbled, forged, or for another purpose).</summary>
    Invalid,

    /// <summary>Made by this portal, but more than <see cref="InvitationTokens.Lifetime"/> ago.</summary>
    Expired,
}

/// <summary>What an invitation token says, once its signature is checked.</summary>
public sealed record InvitationTicket(InvitationTokenState State, string? UserId = null, string? SecurityStamp = null)
{
    public static readonly InvitationTicket Invalid = new(InvitationTokenState.Invalid);
}

/// <summary>
/// The token in an invitation link: the account's id and security stamp and when it was made, encrypted
/// and signed with the portal's Data Protection keys (shared by every instance through PostgreSQL)
/// under a purpose of its own. Valid for <see cref="Lifetime"/> by the injected clock (Identity's
/// DataProtectorTokenProvider and ITimeLimitedDataProtector read the system clock). Single use: setting
/// the password changes the security stamp, and so does a new invitation or a lock, so older links stop
/// working at once.
/// </summary>
public sealed class InvitationTokens(IDataProtectionProvider dataProtection, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(48);

    /// <summary>Longer input is not a token of ours; it is refused before any decryption.</summary>
    public const int MaxLength = 1_000;

    private readonly IDataProtector _protector = dataProtection.CreateProtector("EsimRenewal.Accounts.Invitation.v1");

    public (string Token, DateTimeOffset ExpiresAt) Issue(string userId, string securityStamp)
    {
        var now = clock.GetUtcNow();
        var payload = string.Join('\n', now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), userId, securityStamp);
        return (_protector.Protect(payload), now + Lifetime);
    }

    public InvitationTicket Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxLength)
        {
            return InvitationTicket.Invalid;
        }
        string payload;
        try
        {
            payload = _protector.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return InvitationTicket.Invalid;
        }
        var parts = payload.Split('\n');
        if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var issued))
        {
            return InvitationTicket.Invalid;
        }
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(issued) + Lifetime;
        return clock.GetUtcNow() >= expiresAt
            ? new InvitationTicket(InvitationTokenState.Expired, parts[1])
            : new InvitationTicket(InvitationTokenState.Valid, parts[1], parts[2]);
    }
}
