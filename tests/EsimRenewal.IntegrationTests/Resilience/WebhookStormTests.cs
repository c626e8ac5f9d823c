using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Payments;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Resilience;

/// <summary>
/// Webhook storms on two portal instances over one database: one real signed event delivered 20 times
/// at once to both fulfils once; a thousand forged, tampered, replayed and stale variants are all
/// refused with 400 and change no row.
/// </summary>
public sealed class WebhookStormTests(TwoInstancesFixture instances) : IClassFixture<TwoInstancesFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => instances.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Sign(string payload, DateTimeOffset at, string secret = PortalFactory.StripeWebhookSecret) => PaymentFixture.Sign(payload, secret, at);

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string payload, params string[] signatures)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        foreach (var signature in signatures)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }
        return await client.SendAsync(request);
    }

    private async Task<string> CompletedEventAsync(string sessionId)
    {
        using var list = await instances.Emulator.Control.GetAsync("/v1/events?type=checkout.session.completed&limit=100");
        var json = System.Text.Json.JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("data").EnumerateArray()
            .Single(e => e.GetProperty("data").GetProperty("object").GetProperty("id").GetString() == sessionId)
            .GetRawText();
    }

    /// <summary>Every row of the tables a webhook could touch, hashed: any insert, update or delete changes it.</summary>
    private async Task<string> SnapshotAsync()
    {
        string[] tables = ["orders", "sims", "processed_stripe_events", "outbox_messages", "outgoing_emails", "simulated_carrier_calls", "audit_entries"];
        var query = string.Join(" || '|' || ", tables.Select(t => $"(SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM {t} x)"));
        await using var db = instances.Database.NewContext();
        var sql = "SELECT " + query + " AS \"Value\""; // table names only, from the list above
        return await db.Database.SqlQueryRaw<string>(sql).SingleAsync();
    }

    [Fact]
    public async Task The_same_signed_event_20_times_at_once_on_two_instances_fulfils_once()
    {
        var (simId, orderId, sessionId) = await instances.PendingRenewalAsync(instances.A, "mei@example.com", "898110000000000042");
        await instances.Emulator.PaySuccessfullyAsync(sessionId);
        var payload = await CompletedEventAsync(sessionId);
        DateTimeOffset expected;
        await using (var db = instances.Database.NewContext())
        {
            var sim = await db.Sims.SingleAsync(s => s.Id == simId);
            var version = await db.PlanVersions.SingleAsync(v => v.Id == db.Orders.Single(o => o.Id == orderId).PlanVersionId);
            sim.ApplyRenewal(version, instances.A.Clock.GetUtcNow()); // in memory only: what one renewal makes of it
            expected = sim.ExpiresAt!.Value;
        }
        var clients = Enumerable.Range(0, 20).Select(i => TwoInstancesFixture.NewClient(instances.Instances[i % 2])).ToList();
        using var barrier = new Barrier(clients.Count);

        var responses = await Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            return await PostAsync(client, payload, Sign(payload, DateTimeOffset.UtcNow));
        })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await using var after = instances.Database.NewContext();
        var order = await after.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId);
        var renewed = await after.Sims.AsNoTracking().SingleAsync(s => s.Id == simId);
        Assert.Equal(OrderState.Fulfilled, order.State);
        Assert.Equal(expected, renewed.ExpiresAt);
        Assert.Equal(2, renewed.RenewalCount); // the seeded renewal and exactly one more
        Assert.Equal(1, await after.OutboxMessages.CountAsync());
        Assert.Equal(1, await after.OutgoingEmails.CountAsync(e => e.Kind == EmailKind.OrderConfirmation && e.OrderId == orderId));
        Assert.Equal(1, await after.ProcessedStripeEvents.CountAsync());
    }

    /// <summary>The thousand variants: ten kinds of bad delivery, a hundred of each with different values.</summary>
    private static IEnumerable<(string Kind, string Body, string[] Signatures)> Variants(string payload, string otherPayload)
    {
        var random = new Random(11);
        string Hex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
        string Tampered(Action<JsonNode> change)
        {
            var node = JsonNode.Parse(payload)!;
            change(node);
            return node.ToJsonString();
        }
        var canonical = JsonNode.Parse(payload)!.ToJsonString(); // the form the tampered bodies are re-serialised in
        for (var i = 0; i < 100; i++)
        {
            var now = DateTimeOffset.UtcNow;
            // 1. Signed with a secret that is not ours.
            yield return ("forged", payload, [Sign(payload, now, "whsec_" + Hex(16))]);
            // 2–5. Signed correctly, then changed: amount, order id, event id, livemode.
            yield return ("tampered amount", Tampered(n => n["data"]!["object"]!["amount_total"] = random.Next(1, 1980)), [Sign(canonical, now)]);
            yield return ("tampered order id", Tampered(n =>
            {
                n["data"]!["object"]!["client_reference_id"] = Guid.NewGuid().ToString();
                n["data"]!["object"]!["metadata"] = new JsonObject { ["order_id"] = Guid.NewGuid().ToString() };
            }), [Sign(canonical, now)]);
            yield return ("tampered event id", Tampered(n => n["id"] = "evt_" + Hex(12)), [Sign(canonical, now)]);
            yield return ("tampered livemode", Tampered(n => n["livemode"] = true), [Sign(canonical, now)]);
            // 6. Header missing, empty, or not the scheme at all.
            string[][] malformed = [[], [""], ["t=abc,v1=zzz"], [$"v1={Hex(32)}"], [$"t={now.ToUnixTimeSeconds()}"], [$"t={now.ToUnixTimeSeconds()},v0={Hex(32)}"], [Hex(64)], ["t=,v1="], [$"t={long.MaxValue},v1={Hex(32)}"], ["t=1,v1=1,v1=2,v1=3"]];
            yield return ("malformed header", payload, malformed[i % malformed.Length]);
            // 7. Several v1 values, none of them right (Stripe accepts a header if any v1 matches).
            var t = now.ToUnixTimeSeconds();
            yield return ("duplicate wrong v1", payload, [$"t={t},v1={Hex(32)},v1={Hex(32)},v1={Hex(32)}"]);
            // 8. Signed correctly, but long before the 300 s tolerance.
            yield return ("stale", payload, [Sign(payload, now.AddSeconds(-301 - random.Next(0, 30 * 86_400)))]);
            // 9. Signed correctly for a time far in the future.
            yield return ("future", payload, [Sign(payload, now.AddSeconds(301 + random.Next(0, 365 * 86_400)))]);
            // 10. A real signature of another event, replayed with this body.
            yield return ("replayed signature", payload, [Sign(otherPayload, now)]);
        }
    }

    [Fact]
    public async Task A_thousand_forged_tampered_replayed_and_stale_webhooks_on_two_instances_all_get_400_and_change_no_row()
    {
        // One order fulfilled (rows in every table), one paid whose webhook has not come: the variants carry its event.
        var (_, _, fulfilledSession) = await instances.PendingRenewalAsync(instances.A, "mei@example.com", "898110000000000042");
        var (_, target, targetSession) = await instances.PendingRenewalAsync(instances.B, "ken@example.com", "898110000000000059");
        await instances.Emulator.PaySuccessfullyAsync(fulfilledSession);
        await instances.Emulator.PaySuccessfullyAsync(targetSession);
        var fulfilledEvent = await CompletedEventAsync(fulfilledSession);
        var payload = await CompletedEventAsync(targetSession);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(TwoInstancesFixture.NewClient(instances.A), fulfilledEvent, Sign(fulfilledEvent, DateTimeOffset.UtcNow))).StatusCode);
        var before = await SnapshotAsync();
        var variants = Variants(payload, fulfilledEvent).ToList();
        Assert.Equal(1000, variants.Count);
        var clients = new[] { TwoInstancesFixture.NewClient(instances.A), TwoInstancesFixture.NewClient(instances.B) };
        var accepted = new System.Collections.Concurrent.ConcurrentBag<string>();

        await Parallel.ForEachAsync(variants.Select((v, i) => (v, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, ct) =>
        {
            var ((kind, body, signatures), i) = item;
            using var response = await PostAsync(clients[i % 2], body, signatures);
            if (response.StatusCode != HttpStatusCode.BadRequest)
            {
                accepted.Add($"{kind}: {(int)response.StatusCode} [{string.Join(" | ", signatures)}]");
            }
        });

        Assert.Empty(accepted);
        Assert.Equal(before, await SnapshotAsync());
        await using var db = instances.Database.NewContext();
        Assert.Equal(OrderState.PendingPayment, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == target)).State);
        // The genuine event still works afterwards: the storm locked nothing out.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(clients[1], payload, Sign(payload, DateTimeOffset.UtcNow))).StatusCode);
        Assert.Equal(OrderState.Fulfilled, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == target)).State);
    }
}
