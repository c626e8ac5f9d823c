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

    /// <summary>
    /// How long a checkout step (start, pay, cancel) waits while another of the same buyer's is in progress
    /// (in this instance, and again for one in another instance); beyond that it is refused with "try again".
    /// </summary>
    public TimeSpan BuyerLockWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long after a konbini slip's deadline the order still waits for the store payment to be reported,
    /// before reconciliation (asking the provider) closes it as Expired.
    /// </summary>
    public TimeSpan KonbiniGracePeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// When reconciliation stops asking the provider about an order it could not settle: this long after a
    /// konbini slip's deadline, or after an order's creation when it has none (a Checkout Session lives 24 hours).
    /// </summary>
    public TimeSpan ReconcileGiveUpAfter { get; set; } = TimeSpan.FromDays(7);
}
