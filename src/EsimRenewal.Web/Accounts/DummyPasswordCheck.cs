using System.Security.Cryptography;
using EsimRenewal.Core.Identity;
using Microsoft.AspNetCore.Identity;

namespace EsimRenewal.Web.Accounts;

/// <summary>
/// Hashes the typed password against a hash of a random one, with the portal's own password hasher and
/// settings: a sign-in for an identifier that matches no account costs what a wrong password costs, so
/// the time of the answer does not tell whether the account exists.
/// </summary>
public sealed class DummyPasswordCheck(IPasswordHasher<ApplicationUser> hasher)
{
    private static readonly ApplicationUser Nobody = new();
    private static string? _hash;

    public void Verify(string password) =>
        hasher.VerifyHashedPassword(Nobody, _hash ??= hasher.HashPassword(Nobody, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))), password);

    /// <summary>Makes the hash once at start-up, so the first unknown sign-in is not slower than the rest.</summary>
    public void Warm() => Verify("");
}
