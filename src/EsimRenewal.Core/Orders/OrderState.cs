namespace EsimRenewal.Core.Orders;

public enum OrderKind
{
    /// <summary>A new eSIM bought on the storefront.</summary>
    NewEsim,

    /// <summary>A paid renewal of an existing SIM.</summary>
    Renewal,

    /// <summary>A renewal paid earlier with a prepaid voucher (¥0 through the portal).</summary>
    Voucher,
}

/// <summary>
/// PendingPayment → (AwaitingAsyncPayment for konbini) → Paid → Fulfilled; or Cancelled, Expired
/// (checkout session expired), Failed; Refunded after Paid/Fulfilled.
/// </summary>
public enum OrderState
{
    PendingPayment,
    AwaitingAsyncPayment,
    Paid,
    Fulfilled,
    Cancelled,
    Expired,
    Failed,
    Refunded,
}
