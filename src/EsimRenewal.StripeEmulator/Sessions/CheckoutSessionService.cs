using System.Text.Json.Nodes;
using EsimRenewal.StripeEmulator.Events;
using EsimRenewal.StripeEmulator.Infrastructure;
using EsimRenewal.StripeEmulator.State;
using Microsoft.Extensions.Options;

namespace EsimRenewal.StripeEmulator.Sessions;

/// <summary>Creating, finding, listing and expiring Checkout Sessions.</summary>
public sealed class CheckoutSessionService(
    EmulatorStore store,
    EventRecorder events,
    TimeProvider time,
    IOptions<EmulatorOptions> options)
{
    public JsonObject Create(NewSession request, string publicBaseUrl)
    {
        var now = time.GetUtcNow();
        var id = Ids.New("cs_test_", 58);
        return store.Locked(state =>
        {
            var session = new CheckoutSession
            {
                Id = id,
                Sequence = state.NextSequence(),
                Created = now,
                ExpiresAt = request.ExpiresAt ?? now + options.Value.SessionLifetime,
                Currency = request.Currency,
                LineItems = request.LineItems
                    .Select(item => new SessionLineItem(
                        Ids.New("li_"), Ids.New("price_"), Ids.New("prod_", 14), item.Name, item.Description,
                        item.Currency, item.UnitAmount, item.Quantity))
                    .ToList(),
                Metadata = request.Metadata,
                PaymentMethodTypes = request.PaymentMethodTypes,
                AllowedPaymentMethodTypes = request.AllowedPaymentMethodTypes,
                SuccessUrl = request.SuccessUrl,
                CancelUrl = request.CancelUrl,
                HostedUrl = $"{publicBaseUrl.TrimEnd('/')}/checkout/{id}",
                ClientReferenceId = request.ClientReferenceId,
                CustomerEmail = request.CustomerEmail,
                Locale = request.Locale,
                WechatPayClient = request.WechatPayClient,
                KonbiniExpiresAfterDays = request.KonbiniExpiresAfterDays,
            };
            state.Sessions.Add(id, session);
            return SessionWire.Session(session, state, request.Expand);
        });
    }

    public JsonObject Get(string id, IReadOnlySet<string> expand) =>
        store.Locked(state => SessionWire.Session(state.Session(id), state, expand));

    public JsonObject LineItems(string id, ListQuery query) => store.Locked(state =>
    {
        var session = state.Session(id);
        var sequence = session.LineItems.Select((item, index) => (item.Id, Index: index)).ToDictionary(x => x.Id, x => (long)-x.Index);
        var (page, hasMore) = query.Page(
            session.LineItems, item => sequence[item.Id], itemId => sequence.TryGetValue(itemId, out var s) ? s : null, "line_item");
        return SessionWire.LineItems(session, page, hasMore);
    });

    public JsonObject List(SessionFilter filter, ListQuery query, IReadOnlySet<string> expand) => store.Locked(state =>
    {
        var matching = state.Sessions.Values
            .Where(s => query.Matches(s.Created) && filter.Matches(s))
            .OrderByDescending(s => s.Sequence)
            .ToList();
        var (page, hasMore) = query.Page(
            matching, s => s.Sequence, id => state.Sessions.TryGetValue(id, out var s) ? s.Sequence : null, "checkout.session");
        return WireJson.List(page.Select(s => SessionWire.Session(s, state, expand)), hasMore, "/v1/checkout/sessions");
    });

    public JsonObject Expire(string id, ApiRequest cause) => store.Locked(state =>
    {
        var session = state.Session(id);
        if (!session.IsOpen)
        {
            throw StripeApiException.Invalid(
                $"Only Checkout Sessions with a status in ['open'] can be expired. This Checkout Session has a status of {session.Status}.");
        }

        session.Expire();
        var json = SessionWire.Session(session, state);
        events.Record(state, "checkout.session.expired", json.DeepClone().AsObject(), cause);
        return json;
    });

    /// <summary>Expires every open session whose <c>expires_at</c> has passed. Returns how many.</summary>
    public int ExpireDue() => store.Locked(state =>
    {
        var now = time.GetUtcNow();
        var due = state.Sessions.Values.Where(s => s.IsOpen && s.ExpiresAt <= now).OrderBy(s => s.Sequence).ToList();
        foreach (var session in due)
        {
            session.Expire();
            events.Record(state, "checkout.session.expired", SessionWire.Session(session, state));
        }

        return due.Count;
    });
}

/// <summary>The list filters the portal uses: <c>status</c>, <c>payment_intent</c>, <c>customer_details[email]</c>.</summary>
public sealed record SessionFilter(string? Status, string? PaymentIntent, string? CustomerEmail)
{
    private static readonly HashSet<string> KnownParameters =
    [
        "limit", "starting_after", "ending_before", "created", "status", "payment_intent", "customer", "customer_account",
        "customer_details", "payment_link", "subscription", "expand",
    ];

    public static SessionFilter Read(FormNode p)
    {
        foreach (var key in p.Keys)
        {
            if (!KnownParameters.Contains(key))
            {
                throw StripeApiException.Unknown(key);
            }
        }

        var status = p.OptionalString("status");
        if (status is not (null or SessionStatus.Open or SessionStatus.Complete or SessionStatus.Expired))
        {
            throw StripeApiException.Invalid("Invalid status: must be one of complete, expired, or open", "status");
        }

        return new SessionFilter(status, p.OptionalString("payment_intent"), p.OptionalMap("customer_details")?.OptionalString("email"));
    }

    public bool Matches(CheckoutSession s) =>
        (Status is null || s.Status == Status)
        && (PaymentIntent is null || s.PaymentIntentId == PaymentIntent)
        && (CustomerEmail is null || string.Equals(s.CustomerDetailsEmail ?? s.CustomerEmail, CustomerEmail, StringComparison.OrdinalIgnoreCase));
}
