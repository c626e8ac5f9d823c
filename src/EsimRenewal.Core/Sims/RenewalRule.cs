using EsimRenewal.Core.Common;

namespace EsimRenewal.Core.Sims;

/// <summary>What a renewal will do, shown before paying and applied after.</summary>
public sealed record RenewalPreview(bool StartsNow, DateTimeOffset? CurrentExpiresAt, DateTimeOffset NewExpiresAt);

/// <summary>
/// The renewal rule, in one place: new expiry = max(now, current expiry) + plan days, rounded up to
/// 23:59:59 JST of that day. A SIM that is still valid is extended from its expiry; an expired (or
/// never activated) SIM starts now.
/// </summary>
public static class RenewalRule
{
    public static RenewalPreview Preview(DateTimeOffset? currentExpiresAt, int validityDays, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(validityDays, 1);
        var startsNow = currentExpiresAt is null || currentExpiresAt <= now;
        var from = startsNow ? now : currentExpiresAt!.Value;
        return new RenewalPreview(startsNow, currentExpiresAt, Jst.EndOfDay(from.AddDays(validityDays)));
    }
}
