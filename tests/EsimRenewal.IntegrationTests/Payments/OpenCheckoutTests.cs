using System.Net;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Orders;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Stripe.Checkout;

namespace EsimRenewal.IntegrationTests.Payments;

/// <summary>
/// Open checkouts are bounded per account: the same purchase again (another tab, a lost or forged
/// request id) gets the checkout it already has, and beyond the limit (3 by default) the buyer is asked to
/// finish or cancel one, so a flood of POSTs reaches Stripe a bounded number of times (counted at the emulator).
/// </summary>
public sealed class OpenCheckoutTests(PaymentFixture payments) : IClassFixture<PaymentFixture>, IAsyncLifetime
{
    private const int MaxOpenCheckouts = 3;

    public async Task InitializeAsync()
    {
        await payments.ResetAsync();
        await payments.SeedPlansAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<int> SessionsCreatedAsync() =>
        (await payments.Emulator.RequestsAsync("/v1/checkout/sessions")).Count(r => r.GetProperty("method").GetString() == "POST");

    private static async Task<string> TokenAsync(HttpClient client, string page) =>
        (await client.GetDocumentAsync(page)).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string token, params (string Name, string Value)[] fields) =>
        client.PostAsync(url, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)).Append(KeyValuePair.Create("__RequestVerificationToken", token))));

    [Fact]
    public async Task Two_hundred_concurrent_buy_and_renew_posts_from_one_account_make_at_most_the_configured_number_of_orders_and_sessions()
    {
        var (client, userId) = await payments.SignUpAsync("flood@example.com");
        var first = await payments.AddPhysicalSimAsync(userId, "898110000000000042", null);
        var second = await payments.AddPhysicalSimAsync(userId, "898110000000000059", null);
        var token = await TokenAsync(client, "/plans/week-esim");
        var month = (await payments.PlanVersionIdAsync("month")).ToString();
        // Four different purchases (more than the limit), each sent with random, missing and malformed request ids.
        var purchases = new Func<string, Task<HttpResponseMessage>>[]
        {
            id => PostAsync(client, "/plans/week-esim?handler=Buy", token, ("RequestId", id)),
            id => PostAsync(client, "/plans/month?handler=Buy", token, ("RequestId", id)),
            id => PostAsync(client, $"/sims/{first.Id}/renew", token, ("Input.RequestId", id), ("Input.PlanVersionId", month)),
            id => PostAsync(client, $"/sims/{second.Id}/renew", token, ("Input.RequestId", id), ("Input.PlanVersionId", month)),
        };
        var requestIds = new[] { "", "not-a-guid" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            purchases[i % purchases.Length](i % 5 < requestIds.Length ? requestIds[i % 5] : Guid.NewGuid().ToString())));

        // Each post goes to a checkout or the orders list, or is answered "try again": on the renewal page when it
        // waited longer than the buyer's lock wait, or with the database-busy page when, on a loaded machine, the
        // 200 requests' other queries could not all get a connection within the connect timeout.
        foreach (var response in responses)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode switch
            {
                HttpStatusCode.Redirect => true,
                HttpStatusCode.OK => body.Contains(BusyText, StringComparison.Ordinal),
                HttpStatusCode.ServiceUnavailable => body.Contains("data-testid=\"outage-page\"", StringComparison.Ordinal) && response.Headers.RetryAfter is not null,
                _ => false,
            }, $"A flooded post answered {(int)response.StatusCode}");
        }
        await using var db = payments.Database.NewContext();
        Assert.InRange(await db.Orders.CountAsync(), 0, MaxOpenCheckouts);

        // The four purchases once more, one at a time: the open checkouts are continued and the limit refuses the rest,
        // so any order or session the flood made beyond the limit would show in the counts below.
        var again = new List<HttpResponseMessage>();
        foreach (var purchase in purchases)
        {
            again.Add(await purchase(Guid.NewGuid().ToString()));
        }
        Assert.All(again, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Single(again, r => r.Headers.Location!.OriginalString == "/orders");
        var orders = await db.Orders.AsNoTracking().ToListAsync();
        Assert.Equal(MaxOpenCheckouts, orders.Count);
        Assert.All(orders, o => Assert.NotNull(o.CheckoutSessionId));
        Assert.Equal(MaxOpenCheckouts, (await payments.Emulator.Sessions.ListAsync(new SessionListOptions { Limit = 100 })).Data.Count);
        Assert.Equal(MaxOpenCheckouts, await SessionsCreatedAsync());
        var checkouts = responses.Concat(again).Where(r => r.IsRedirect()).Select(r => r.Headers.Location!.ToString())
            .Where(l => l.StartsWith(payments.Emulator.BaseUrl, StringComparison.Ordinal)).ToList();
        Assert.Equal(orders.Select(o => o.CheckoutUrl).Order(), checkouts.Distinct().Order());
    }

    private const string BusyText = "Another of your payment requests is still being processed. Nothing was changed; please try again in a moment.";

    [Fact]
    public async Task A_step_that_waits_past_the_buyers_lock_wait_is_refused_with_try_again_and_changes_nothing()
    {
        var (client, userId) = await payments.SignUpAsync("held@example.com");
        var sim = await payments.AddPhysicalSimAsync(userId, "898110000000000042", null);
        var month = (await payments.PlanVersionIdAsync("month")).ToString();
        var renewPage = await client.GetDocumentAsync($"/sims/{sim.Id}/renew");
        var planPage = await client.GetDocumentAsync("/plans/week-esim");

        await using (await HoldBuyerLockAsync(userId)) // another step of this account, taking longer than the wait (5 s by default)
        {
            var renewed = await client.SubmitAsync(renewPage, "[data-testid=renew-form]", new Dictionary<string, string> { ["Input.PlanVersionId"] = month });
            var bought = await client.SubmitAsync(planPage, "[data-testid=buy-form]", new Dictionary<string, string>());

            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
            Assert.Contains(BusyText, (await HtmlForms.ParseAsync(renewed)).QuerySelector(".validation-summary")!.TextContent);
            Assert.Equal("/plans/week-esim", bought.Headers.Location!.OriginalString);
            Assert.Contains(BusyText, (await client.GetDocumentAsync("/plans/week-esim")).Body!.TextContent);
            await using var db = payments.Database.NewContext();
            Assert.Equal(0, await db.Orders.CountAsync());
            Assert.Equal(0, await SessionsCreatedAsync());
        }

        // The other step is over: the renewal form sent again (the same request id) goes to Stripe.
        var retried = await client.SubmitAsync(renewPage, "[data-testid=renew-form]", new Dictionary<string, string> { ["Input.PlanVersionId"] = month });
        Assert.StartsWith(payments.Emulator.BaseUrl + "/checkout/", retried.Headers.Location!.ToString());
        Assert.Equal(1, await SessionsCreatedAsync());
    }

    [Fact]
    public async Task Steps_queued_behind_a_buyers_running_step_hold_no_database_connection_and_are_answered_try_again()
    {
        var (client, userId) = await payments.SignUpAsync("queue@example.com");
        var sim = await payments.AddPhysicalSimAsync(userId, "898110000000000042", null);
        var token = await TokenAsync(client, $"/sims/{sim.Id}/renew");
        var month = (await payments.PlanVersionIdAsync("month")).ToString();
        await using var other = await HoldBuyerLockAsync(userId); // a step of this buyer running in another instance

        var posts = Task.WhenAll(Enumerable.Range(0, 30).Select(_ =>
            PostAsync(client, $"/sims/{sim.Id}/renew", token, ("Input.RequestId", Guid.NewGuid().ToString()), ("Input.PlanVersionId", month))));
        // While they wait, only the one that entered this instance's gate waits in PostgreSQL (holding a connection).
        var waitingInDatabase = new List<long>();
        while (!posts.IsCompleted)
        {
            waitingInDatabase.Add(await WaitingForBuyerLocksAsync());
            await Task.Delay(100);
        }

        Assert.Equal(1L, waitingInDatabase.Max()); // one, not thirty, held a connection while waiting
        foreach (var response in await posts)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(BusyText, await response.Content.ReadAsStringAsync());
        }
        await using var db = payments.Database.NewContext();
        Assert.Equal(0, await db.Orders.CountAsync());
        Assert.Equal(0, await SessionsCreatedAsync());
    }

    [Fact]
    public async Task Connections_go_back_to_the_pool_without_a_steps_lock_wait_and_keep_their_prepared_statements()
    {
        var contexts = payments.Portal.Services.GetRequiredService<IDbContextFactory<EsimDbContext>>();
        await using (var first = await contexts.CreateDbContextAsync())
        {
            NpgsqlConnection.ClearPool((NpgsqlConnection)first.Database.GetDbConnection()); // only this test's connections from here
        }
        var (client, userId) = await payments.SignUpAsync("pooled@example.com");
        var sim = await payments.AddPhysicalSimAsync(userId, "898110000000000042", null);
        var month = (await payments.PlanVersionIdAsync("month")).ToString();
        var renewPage = await client.GetDocumentAsync($"/sims/{sim.Id}/renew");
        await using (await HoldBuyerLockAsync(userId))
        {
            var refused = await client.SubmitAsync(renewPage, "[data-testid=renew-form]", new Dictionary<string, string> { ["Input.PlanVersionId"] = month });
            Assert.Contains(BusyText, await refused.Content.ReadAsStringAsync()); // its lock wait ran out
        }
        var renewed = await client.SubmitAsync(renewPage, "[data-testid=renew-form]", new Dictionary<string, string> { ["Input.PlanVersionId"] = month });
        Assert.StartsWith(payments.Emulator.BaseUrl + "/checkout/", renewed.Headers.Location!.ToString()); // it took the lock
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/orders")).StatusCode);
        }

        // Every connection the portal's pool holds (the test opens more than the requests above used at once).
        var held = new List<EsimDbContext>();
        var sessions = new List<(string LockTimeout, long Prepared)>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var db = await contexts.CreateDbContextAsync();
                held.Add(db);
                await db.Database.OpenConnectionAsync();
                sessions.Add((
                    await db.Database.SqlQuery<string>($"SELECT current_setting('lock_timeout') AS \"Value\"").SingleAsync(),
                    await db.Database.SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM pg_prepared_statements").SingleAsync()));
            }
        }
        finally
        {
            foreach (var db in held)
            {
                await db.DisposeAsync();
            }
        }

        await using var fresh = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(payments.Database.ConnectionString) { Pooling = false }.ConnectionString);
        await fresh.OpenAsync();
        await using var show = new NpgsqlCommand("SELECT current_setting('lock_timeout')", fresh);
        var serverDefault = (string)(await show.ExecuteScalarAsync())!;
        // Pooled connections are not reset (EsimDatabase.WithDefaults): no step may leave its lock wait on the session ...
        Assert.All(sessions, session => Assert.Equal(serverDefault, session.LockTimeout));
        // ... and the pages' queries stay prepared on the connections that ran them.
        Assert.Contains(sessions, session => session.Prepared > 0);
    }

    /// <summary>Takes the buyer's advisory lock on a connection of its own, as another instance's running step would.</summary>
    private async Task<NpgsqlConnection> HoldBuyerLockAsync(string userId)
    {
        // Unpooled: closing it ends the session, and with it the lock.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(payments.Database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var hold = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended('checkout:account:' || $1, 0))", connection);
        hold.Parameters.AddWithValue(userId);
        await hold.ExecuteNonQueryAsync();
        return connection;
    }

    private async Task<long> WaitingForBuyerLocksAsync()
    {
        await using var connection = new NpgsqlConnection(payments.Database.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task The_same_purchase_from_a_second_tab_continues_the_open_checkout_without_asking_stripe_again()
    {
        var (client, _) = await payments.SignUpAsync("tabs@example.com");
        var firstTab = await client.GetDocumentAsync("/plans/week-esim");
        var secondTab = await client.GetDocumentAsync("/plans/week-esim");

        var first = await client.SubmitAsync(firstTab, "[data-testid=buy-form]", new Dictionary<string, string>());
        var second = await client.SubmitAsync(secondTab, "[data-testid=buy-form]", new Dictionary<string, string>());

        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.StartsWith(payments.Emulator.BaseUrl + "/checkout/", first.Headers.Location!.ToString());
        await using var db = payments.Database.NewContext();
        Assert.Equal(1, await db.Orders.CountAsync());
        Assert.Single(await payments.Emulator.RequestsAsync("/v1/checkout/sessions"));
        Assert.Empty(await payments.Emulator.RequestsAsync($"/v1/checkout/sessions/{(await db.Orders.SingleAsync()).CheckoutSessionId}"));
    }

    [Fact]
    public async Task Beyond_the_limit_the_buyer_is_sent_to_their_orders_and_cancelling_one_closes_its_checkout_and_frees_a_place()
    {
        var (client, userId) = await payments.SignUpAsync("busy@example.com");
        var sims = new[]
        {
            await payments.AddPhysicalSimAsync(userId, "898110000000000042", null),
            await payments.AddPhysicalSimAsync(userId, "898110000000000059", null),
        };
        Assert.True((await client.SubmitAsync(await client.GetDocumentAsync("/plans/week-esim"), "[data-testid=buy-form]", new Dictionary<string, string>())).IsRedirect());
        foreach (var sim in sims)
        {
            var renew = await client.GetDocumentAsync($"/sims/{sim.Id}/renew");
            Assert.True((await client.SubmitAsync(renew, "[data-testid=renew-form]", new Dictionary<string, string> { ["Input.PlanVersionId"] = (await payments.PlanVersionIdAsync("month")).ToString() })).IsRedirect());
        }

        var refused = await client.SubmitAsync(await client.GetDocumentAsync("/plans/month"), "[data-testid=buy-form]", new Dictionary<string, string>());

        Assert.Equal("/orders", refused.Headers.Location!.OriginalString);
        var list = await client.GetDocumentAsync("/orders");
        Assert.Contains("You already have several orders waiting for payment. Pay for one of them or cancel one, then try again.", list.Body!.TextContent);
        Assert.Equal(MaxOpenCheckouts, list.QuerySelectorAll("[data-testid=order-state]").Count(s => s.TextContent.Trim() == "Awaiting payment"));
        Assert.Equal(MaxOpenCheckouts, await SessionsCreatedAsync());

        await using var db = payments.Database.NewContext();
        var oldest = await db.Orders.AsNoTracking().OrderBy(o => o.CreatedAt).FirstAsync();
        var orderPage = await client.GetDocumentAsync($"/orders/{oldest.Id}");
        var cancelled = await client.SubmitAsync(orderPage, "[data-testid=cancel-form]", new Dictionary<string, string>());

        Assert.True(cancelled.IsRedirect(), $"Cancelling answered {(int)cancelled.StatusCode}: {await cancelled.Content.ReadAsStringAsync()}");
        Assert.Equal($"/orders/{oldest.Id}", cancelled.Headers.Location!.OriginalString);
        Assert.Contains("The order was cancelled. Nothing was charged.", (await client.GetDocumentAsync($"/orders/{oldest.Id}")).Body!.TextContent);
        Assert.Equal(OrderState.Cancelled, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == oldest.Id)).State);
        Assert.Equal("expired", (await payments.Emulator.Sessions.GetAsync(oldest.CheckoutSessionId)).Status);
        var now = await client.SubmitAsync(await client.GetDocumentAsync("/plans/month"), "[data-testid=buy-form]", new Dictionary<string, string>());
        Assert.StartsWith(payments.Emulator.BaseUrl + "/checkout/", now.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_paid_order_cannot_be_cancelled()
    {
        var (_, orderId, sessionId) = await payments.PendingRenewalAsync();
        var client = await SignedInAsMeiAsync();
        var orderPage = await client.GetDocumentAsync($"/orders/{orderId}");
        await payments.Emulator.PaySuccessfullyAsync(sessionId);

        var response = await client.SubmitAsync(orderPage, "[data-testid=cancel-form]", new Dictionary<string, string>());

        Assert.True(response.IsRedirect());
        await using var db = payments.Database.NewContext();
        Assert.NotEqual(OrderState.Cancelled, (await db.Orders.AsNoTracking().SingleAsync()).State);
        Assert.Equal("complete", (await payments.Emulator.Sessions.GetAsync(sessionId)).Status);
    }

    [Fact]
    public async Task An_order_whose_checkout_stripe_no_longer_has_is_cancelled()
    {
        var (_, orderId, _) = await payments.PendingRenewalAsync();
        var client = await SignedInAsMeiAsync();
        var orderPage = await client.GetDocumentAsync($"/orders/{orderId}");
        // The provider forgets every session (Stripe answers resource_missing for it from now on).
        (await payments.Emulator.Control.PostAsync("/_emulator/reset", null)).EnsureSuccessStatusCode();

        var response = await client.SubmitAsync(orderPage, "[data-testid=cancel-form]", new Dictionary<string, string>());

        Assert.Equal($"/orders/{orderId}", response.Headers.Location!.OriginalString);
        Assert.Contains("The order was cancelled. Nothing was charged.", (await client.GetDocumentAsync($"/orders/{orderId}")).Body!.TextContent);
        await using var db = payments.Database.NewContext();
        Assert.Equal(OrderState.Cancelled, (await db.Orders.AsNoTracking().SingleAsync()).State);
    }

    private async Task<HttpClient> SignedInAsMeiAsync()
    {
        var client = payments.NewClient();
        var response = await client.SubmitAsync(await client.GetDocumentAsync("/account/login"), "[data-testid=login-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = "mei@example.com",
            ["Input.Password"] = "correct horse battery",
        });
        Assert.True(response.IsRedirect());
        return client;
    }
}
