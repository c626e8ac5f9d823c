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
/// What refunding a renewal does to a SIM's validity: a renewal whose days have not begun (the SIM was
/// still valid on its previous expiry, and that is still ahead) loses exactly its days, also when the
/// SIM was renewed again after it; a renewal that started at once, or whose days have begun, is in use
/// and the validity stays.
/// </summary>
public static class RenewalRollback
{
    /// <summary>The SIM's expiry after the refund, or null when the renewal is in use.</summary>
    public static DateTimeOffset? ExpiryAfterRefund(DateTimeOffset? previousExpiresAt, DateTimeOffset renewedTo, DateTimeOffset currentExpiresAt, DateTimeOffset now) =>
        previousExpiresAt is { } previous && now < previous && currentExpiresAt >= renewedTo
            ? currentExpiresAt - (renewedTo - previous)
            : null;
}
