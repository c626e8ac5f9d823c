using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Sims;

/// <summary>
/// A 6-digit code emailed to the address an eSIM was bought with, so its holder can renew it without
/// an account: valid for 10 minutes and 5 tries, used once. A request that matches no eSIM makes a
/// row too (with no SIM, and no email sent), so the answer never tells whether an ICCID exists.
/// Only a hash of the code is kept.
/// </summary>
public sealed class OneTimeCode
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    public const int MaxTries = 5;
    public const int Length = 6;

    private OneTimeCode()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>The eSIM it unlocks; null when the request matched none.</summary>
    public Guid? SimId { get; private set; }
    public string CodeHash { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public int FailedTries { get; private set; }
    public DateTimeOffset? UsedAt { get; private set; }

    /// <summary>Issues a code; returns the row and the code to email (never stored).</summary>
    public static (OneTimeCode Row, string Code) Issue(Guid? simId, DateTimeOffset now)
    {
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var row = new OneTimeCode { Id = Guid.CreateVersion7(now), SimId = simId, CreatedAt = now, ExpiresAt = now + Lifetime };
        row.CodeHash = row.HashOf(code);
        return (row, code);
    }

    public static bool IsWellFormed(string? code) => code is { Length: Length } && code.All(char.IsAsciiDigit);

    /// <summary>Checks a code, counting a wrong one. Returns the eSIM when right, usable, and for a real eSIM.</summary>
    public Guid? TryUse(string code, DateTimeOffset now)
    {
        if (UsedAt is not null || now >= ExpiresAt || FailedTries >= MaxTries)
        {
            return null;
        }
        var matches = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashOf(code)), Encoding.ASCII.GetBytes(CodeHash));
        if (!matches || SimId is null)
        {
            FailedTries++;
            return null;
        }
        UsedAt = now;
        return SimId;
    }

    public bool IsSpent(DateTimeOffset now) => UsedAt is not null || now >= ExpiresAt || FailedTries >= MaxTries;

    private string HashOf(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(Id.ToString("N") + ":" + code)));
}

internal sealed class OneTimeCodeConfiguration : IEntityTypeConfiguration<OneTimeCode>
{
    public void Configure(EntityTypeBuilder<OneTimeCode> code)
    {
        code.HasKey(c => c.Id);
        code.Property(c => c.CodeHash).HasMaxLength(64);
        code.HasIndex(c => c.ExpiresAt);
        code.HasOne<Sim>().WithMany().HasForeignKey(c => c.SimId).OnDelete(DeleteBehavior.Cascade);
    }
}
