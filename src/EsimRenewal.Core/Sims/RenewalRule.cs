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

/// <summary>
/// What refunding a renewal does to a SIM's validity. A renewal has not started to be used while its
/// days are all still ahead: now is before its previous expiry (the SIM was valid when it was bought and
/// its days had not begun), and taking exactly its days off the current expiry still leaves the SIM valid
/// now. The second test matters once an earlier renewal was refunded first: that refund took its own days
/// off, so this renewal's days moved forward in time (they may already be in use although the original
/// previous expiry is still ahead). The current expiry, not this renewal's own end, is what loses the
/// days, so a renewal refunded after an earlier one, or before a later one, gives back only its own days.
/// A renewal that started at once (the SIM had expired: its previous expiry is missing or not ahead) or
/// whose days have begun is in use, and the validity stays.
/// </summary>
public static class RenewalRollback
{
    /// <summary>The SIM's expiry after the refund, or null when the renewal is in use.</summary>
    public static DateTimeOffset? ExpiryAfterRefund(DateTimeOffset? previousExpiresAt, DateTimeOffset renewedTo, DateTimeOffset currentExpiresAt, DateTimeOffset now)
    {
        if (previousExpiresAt is not { } previous || now >= previous)
        {
            return null;
        }
        var rolledBack = currentExpiresAt - (renewedTo - previous);
        return now < rolledBack ? rolledBack : null;
    }
}
