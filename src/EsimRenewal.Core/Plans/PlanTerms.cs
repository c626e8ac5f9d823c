using EsimRenewal.Core.Common;

namespace EsimRenewal.Core.Plans;

/// <summary>
/// What a customer pays and gets. Changing any of these creates a new <see cref="PlanVersion"/>, so
/// orders and vouchers keep the terms they were sold with.
/// </summary>
public sealed record PlanTerms(Yen Price, long? DataMb, int? DailyFairUseMb, int ValidityDays, SimKinds SimKinds)
{
    public const int MaxValidityDays = 366;

    public bool IsUnlimited => DataMb is null;

    /// <summary>Null when the terms are valid, else the name of the first rule they break.</summary>
    public string? Problem() => this switch
    {
        { ValidityDays: < 1 or > MaxValidityDays } => nameof(ValidityDays),
        { DataMb: <= 0 } => nameof(DataMb),
        { DailyFairUseMb: <= 0 } => nameof(DailyFairUseMb),
        { DataMb: not null, DailyFairUseMb: not null } => nameof(DailyFairUseMb),
        { SimKinds: SimKinds.None } => nameof(SimKinds),
        _ when (SimKinds & ~SimKinds.Both) != 0 => nameof(SimKinds),
        _ => null,
    };
}
