using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Throttling;

/// <summary>
/// Failed attempts at guessing a secret (a voucher code, a SIM's PIN, a one-time code) for one subject
/// in the current window. Kept in PostgreSQL so the limit holds across every instance of the portal.
/// </summary>
public sealed class AttemptCounter
{
    public const int KeyMaxLength = 200;

    private AttemptCounter()
    {
    }

    /// <summary><c>{purpose}/{kind}:{id}</c>, e.g. <c>voucher/account:{userId}</c> or <c>sim-pin/address:203.0.113.5</c>.</summary>
    public string Key { get; private set; } = "";
    public int Failures { get; private set; }
    public DateTimeOffset WindowStartedAt { get; private set; }

    /// <summary>
    /// Until when the subject is held back: locked (accounts, staff, SIMs) or asked for a challenge
    /// (addresses).
    /// </summary>
    public DateTimeOffset? LockedUntil { get; private set; }
}

internal sealed class AttemptCounterConfiguration : IEntityTypeConfiguration<AttemptCounter>
{
    public void Configure(EntityTypeBuilder<AttemptCounter> counter)
    {
        counter.ToTable("attempt_counters");
        counter.HasKey(c => c.Key);
        counter.Property(c => c.Key).HasMaxLength(AttemptCounter.KeyMaxLength);
    }
}

/// <summary>A proof-of-work challenge that has been used once and cannot be used again.</summary>
public sealed class SpentChallenge
{
    public const int IdMaxLength = 64;

    private SpentChallenge()
    {
    }

    public string Id { get; private set; } = "";
    public DateTimeOffset ExpiresAt { get; private set; }
}

internal sealed class SpentChallengeConfiguration : IEntityTypeConfiguration<SpentChallenge>
{
    public void Configure(EntityTypeBuilder<SpentChallenge> challenge)
    {
        challenge.HasKey(c => c.Id);
        challenge.Property(c => c.Id).HasMaxLength(SpentChallenge.IdMaxLength);
        challenge.HasIndex(c => c.ExpiresAt);
    }
}
