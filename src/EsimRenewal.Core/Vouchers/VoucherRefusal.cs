using System.Diagnostics.CodeAnalysis;

namespace EsimRenewal.Core.Vouchers;

/// <summary>Why a voucher was not redeemed. Each has its own message; none of them changes anything.</summary>
public enum VoucherRefusal
{
    /// <summary>Not shaped like a code at all.</summary>
    NotACode,

    /// <summary>Shaped like a code, but the check symbol does not match: a typo, not counted as a failed attempt.</summary>
    ProbableTypo,

    /// <summary>Too many failed attempts from this account or staff member: locked for a while.</summary>
    TooManyAttempts,

    /// <summary>Many failed attempts from this address: each attempt needs a solved challenge first.</summary>
    ChallengeRequired,

    /// <summary>A well-formed code that no voucher has.</summary>
    UnknownCode,

    /// <summary>The voucher's batch has not been activated (shipped) yet.</summary>
    NotYetActive,

    Void,

    /// <summary>Past the batch's expiry.</summary>
    Expired,

    AlreadyRedeemed,

    /// <summary>The voucher's plan does not fit this SIM's kind.</summary>
    PlanDoesNotFit,

    /// <summary>No such SIM (staff: unknown ICCID; traveller: not one of your SIMs).</summary>
    UnknownSim,

    /// <summary>The traveller has no SIM that the voucher's plan fits.</summary>
    NoFittingSim,
}

/// <summary>A refusal and what a person needs to know about it.</summary>
public sealed record VoucherFailure(VoucherRefusal Reason)
{
    /// <summary>For <see cref="VoucherRefusal.AlreadyRedeemed"/>: when, and through which channel.</summary>
    public DateTimeOffset? RedeemedAt { get; init; }
    public RedemptionChannel? RedeemedVia { get; init; }

    /// <summary>For <see cref="VoucherRefusal.TooManyAttempts"/>: when the lock ends.</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>Whether the refusal counts towards the brute-force limit: only guesses do (unknown code or SIM).</summary>
    public bool CountsAsFailedAttempt => Reason is VoucherRefusal.UnknownCode or VoucherRefusal.UnknownSim;

    public static implicit operator VoucherFailure(VoucherRefusal reason) => new(reason);
}

/// <summary>The value of a voucher use case, or why it was refused. Expected failures are values, not exceptions.</summary>
public sealed class VoucherResult<T>
    where T : class
{
    private VoucherResult(T? value, VoucherFailure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }
    public VoucherFailure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Value is not null;

    public static implicit operator VoucherResult<T>(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    public static implicit operator VoucherResult<T>(VoucherFailure failure) => new(null, failure);

    public static implicit operator VoucherResult<T>(VoucherRefusal reason) => new(null, new VoucherFailure(reason));
}
