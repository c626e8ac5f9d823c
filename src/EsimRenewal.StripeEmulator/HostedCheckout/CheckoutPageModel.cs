using EsimRenewal.StripeEmulator.State;

namespace EsimRenewal.StripeEmulator.HostedCheckout;

public sealed record PageLine(string Name, string? Description, long Quantity, long UnitAmount, long Amount);

/// <summary>What the hosted page shows, read from the store in one go.</summary>
public sealed record CheckoutPageModel(
    string Id,
    string Status,
    string PaymentStatus,
    string Currency,
    IReadOnlyList<PageLine> Lines,
    long Total,
    string? Locale,
    string? CustomerEmail,
    IReadOnlyList<string> PaymentMethodTypes,
    string SuccessUrl,
    string? CancelUrl,
    DateTimeOffset ExpiresAt,
    string? PaymentMethodUsed,
    string? PaymentIntentStatus,
    KonbiniVoucher? Konbini)
{
    public bool IsOpen => Status == SessionStatus.Open;

    public static CheckoutPageModel? Load(EmulatorStore store, string id) => store.Locked(state =>
    {
        if (!state.Sessions.TryGetValue(id, out var s))
        {
            return null;
        }

        var pi = s.PaymentIntentId is null ? null : state.PaymentIntents[s.PaymentIntentId];
        return new CheckoutPageModel(
            s.Id,
            s.Status,
            s.PaymentStatus,
            s.Currency,
            s.LineItems.Select(l => new PageLine(l.Name, l.Description, l.Quantity, l.UnitAmount, l.Amount)).ToList(),
            s.AmountTotal,
            s.Locale,
            s.CustomerEmail,
            s.PaymentMethodTypes,
            s.SuccessUrl.Replace("{CHECKOUT_SESSION_ID}", s.Id, StringComparison.Ordinal),
            s.CancelUrl,
            s.ExpiresAt,
            pi?.PaymentMethodType,
            pi?.Status,
            pi?.Konbini);
    });
}
