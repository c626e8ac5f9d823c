using System.Diagnostics.CodeAnalysis;

namespace EsimRenewal.Core.Vouchers;

public enum VoucherCodeParseOutcome
{
    /// <summary>Empty, wrong length or a character that is not in the alphabet.</summary>
    NotACode,

    /// <summary>The shape of a code, but the check symbol does not match: a typo, not a guess to count.</summary>
    ProbableTypo,

    Valid,
}

/// <summary>What <see cref="VoucherCode.Parse"/> made of an input. Deliberately not a record, so it never prints the code.</summary>
public readonly struct VoucherCodeParseResult
{
    private VoucherCodeParseResult(VoucherCodeParseOutcome outcome, VoucherCode? code)
    {
        Outcome = outcome;
        Code = code;
    }

    internal static VoucherCodeParseResult NotACode => new(VoucherCodeParseOutcome.NotACode, null);

    internal static VoucherCodeParseResult ProbableTypo => new(VoucherCodeParseOutcome.ProbableTypo, null);

    public VoucherCodeParseOutcome Outcome { get; }

    /// <summary>The code when <see cref="IsValid"/>; otherwise null.</summary>
    public VoucherCode? Code { get; }

    [MemberNotNullWhen(true, nameof(Code))]
    public bool IsValid => Outcome == VoucherCodeParseOutcome.Valid;

    internal static VoucherCodeParseResult Valid(VoucherCode code) => new(VoucherCodeParseOutcome.Valid, code);
}
