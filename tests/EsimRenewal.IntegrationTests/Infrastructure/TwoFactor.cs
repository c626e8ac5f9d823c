using System.Buffers.Binary;
using System.Security.Cryptography;
using EsimRenewal.Core.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>
/// Two-factor sign-in as a person with an authenticator app does it: the test knows the account's key
/// and computes the code the way the app (and Identity) do — RFC 6238 TOTP, HMAC-SHA1, 30-second steps,
/// 6 digits — from the real clock, because Identity's authenticator provider reads the system clock, not
/// the portal's TimeProvider.
/// </summary>
public static class TwoFactor
{
    /// <summary>The code of <paramref name="base32Key"/> at <paramref name="at"/> (now by default).</summary>
    public static string Code(string base32Key, DateTimeOffset? at = null)
    {
        var step = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds() / 30;
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        var hash = HMACSHA1.HashData(FromBase32(base32Key), counter);
        var offset = hash[^1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset, 4)) & 0x7FFFFFFF;
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Turns two-factor sign-in on for an account, as if it had scanned a new key and confirmed a code;
    /// returns the key. Sign-in helpers then answer the second step with the code of this key.
    /// </summary>
    public static async Task<string> EnrolAsync(this PortalFactory portal, string userId)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException($"No account {userId}.");
        Assert.True((await users.ResetAuthenticatorKeyAsync(user)).Succeeded);
        Assert.True((await users.SetTwoFactorEnabledAsync(user, true)).Succeeded);
        return (await users.GetAuthenticatorKeyAsync(user))!;
    }

    /// <summary>The stored authenticator key of the account signing in as <paramref name="userName"/>.</summary>
    public static async Task<string> KeyOfAsync(this PortalFactory portal, string userName)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByNameAsync(userName) ?? throw new InvalidOperationException($"No account {userName}.");
        return await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException($"{userName} has no authenticator key.");
    }

    private static byte[] FromBase32(string key)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in key.Trim().TrimEnd('=').ToUpperInvariant())
        {
            buffer = (buffer << 5) | Alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}
