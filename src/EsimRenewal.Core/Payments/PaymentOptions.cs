namespace EsimRenewal.Core.Payments;

/// <summary>Payment settings that the rules need (the provider's keys live with its adapter in Web).</summary>
public sealed class PaymentOptions
{
    public const string Section = "Payments";

    /// <summary>Offer konbini (FamilyMart, Lawson, Ministop, Seicomart) cash payment.</summary>
    public bool EnableKonbini { get; set; } = true;

    /// <summary>Days a konbini payment slip stays payable.</summary>
    public int KonbiniExpiresAfterDays { get; set; } = 3;

    /// <summary>How long an unpaid order waits before reconciliation asks the provider about it.</summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many unpaid checkouts an account (or, without an account, a SIM) may have open at once;
    /// beyond that the buyer is asked to finish or cancel one first.
    /// </summary>
    public int MaxOpenCheckouts { get; set; } = 3;
}
