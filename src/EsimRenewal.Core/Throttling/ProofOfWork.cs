using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EsimRenewal.Core.Throttling;

/// <summary>
/// A challenge to solve before an attempt is accepted from a busy address: find the number in
/// [0, <see cref="MaxNumber"/>] whose SHA-256 with <see cref="Salt"/> gives <see cref="Hash"/>.
/// </summary>
public sealed record ProofOfWorkChallenge(string Salt, string Hash, int MaxNumber, string Signature);

/// <summary>
/// Stateless proof-of-work challenges (the scheme of ALTCHA and similar self-hosted checks): the
/// server signs the expected hash with a secret key, so it needs to remember nothing until a solution
/// comes back; a spent solution is recorded so it works once. A browser solves one in about a second;
/// nothing leaves the site, and no third-party CAPTCHA sees the traveller.
/// </summary>
public sealed class ProofOfWork(byte[] key)
{
    public ProofOfWorkChallenge Issue(int maxNumber, DateTimeOffset expiresAt)
    {
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)) + "-" + expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var number = RandomNumberGenerator.GetInt32(0, maxNumber + 1);
        var hash = HashOf(salt, number);
        return new ProofOfWorkChallenge(salt, hash, maxNumber, Sign(hash));
    }

    /// <summary>
    /// Checks a solution <c>{salt}.{number}.{signature}</c>. Returns the solved hash (its id for
    /// single use) when it is ours, unexpired and right; null otherwise.
    /// </summary>
    public string? Verify(string? solution, DateTimeOffset now)
    {
        var parts = solution?.Split('.');
        if (parts is not { Length: 3 } || parts[0].Length > 64 || parts[2].Length != 64
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }
        var salt = parts[0];
        var dash = salt.LastIndexOf('-');
        if (dash < 0 || !long.TryParse(salt[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || DateTimeOffset.FromUnixTimeSeconds(Math.Min(expires, 253_402_300_799)) <= now)
        {
            return null;
        }
        var hash = HashOf(salt, number);
        var expected = Encoding.ASCII.GetBytes(Sign(hash));
        var given = Encoding.ASCII.GetBytes(parts[2]);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? hash : null;
    }

    /// <summary>The expiry written into a solution's salt (for the spent-challenge record).</summary>
    internal static DateTimeOffset ExpiryOf(string solution)
    {
        var salt = solution.Split('.')[0];
        return DateTimeOffset.FromUnixTimeSeconds(long.Parse(salt[(salt.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture));
    }

    public static string HashOf(string salt, int number) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + number.ToString(CultureInfo.InvariantCulture))));

    private string Sign(string hash) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(hash)));
}
