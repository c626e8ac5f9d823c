using System.Net;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Orders;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Payments;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Admin;

/// <summary>
/// Refunds from the admin's order page through Stripe (the emulator, over HTTP), end to end: a double
/// click refunds once, the webhook confirms it, an unused renewal gives its days back, a renewal in use
/// keeps them, every request is audited, and a partial refund made in Stripe changes nothing here.
/// </summary>
public sealed class RefundTests(PaymentFixture payments) : IClassFixture<PaymentFixture>, IAsyncLifetime
{
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        await payments.ResetAsync();
        await payments.SeedPlansAsync();
        await new VoucherScenario(payments.Portal).AdminWithTwoFactorAsync("boss@example.com");
        _admin = payments.NewClient();
        var response = await _admin.SubmitAsync(await _admin.GetDocumentAsync("/account/login"), "[data-testid=login-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = "boss@example.com",
            ["Input.Password"] = VoucherScenario.Password,
        });
        response = await payments.Portal.AnswerSecondStepAsync(_admin, response, "boss@example.com"); // refunds need two-factor sign-in
        Assert.True(response.IsRedirect());
        Assert.Equal("/admin", response.Headers.Location!.OriginalString);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Order> PaidRenewalAsync(bool simStillValid)
    {
        Guid orderId;
        string sessionId;
        if (simStillValid)
        {
            (_, orderId, sessionId) = await payments.PendingRenewalAsync();
        }
        else
        {
            var (client, userId) = await payments.SignUpAsync("late@example.com");
            var sim = await payments.AddPhysicalSimAsync(userId, "898110000000000043", renewedAt: null);
            return await PaidRenewalAsync(client, sim.Id);
        }
        await payments.Emulator.PaySuccessfullyAsync(sessionId);
        return await WaitForOrderAsync(orderId, OrderState.Fulfilled);
    }

    /// <summary>The traveller renews the SIM for 30 days through the real form and pays at the emulator.</summary>
    private async Task<Order> PaidRenewalAsync(HttpClient traveller, Guid simId)
    {
        var page = await traveller.GetDocumentAsync($"/sims/{simId}/renew");
        var response = await traveller.SubmitAsync(page, "[data-testid=renew-form]", new Dictionary<string, string> { ["Input.PlanVersionId"] = (await payments.PlanVersionIdAsync("month")).ToString() });
        Assert.True(response.IsRedirect());
        Order pending;
        await using (var db = payments.Database.NewContext())
        {
            pending = await db.Orders.AsNoTracking().SingleAsync(o => o.SimId == simId && o.State == OrderState.PendingPayment);
        }
        await payments.Emulator.PaySuccessfullyAsync(pending.CheckoutSessionId!);
        return await WaitForOrderAsync(pending.Id, OrderState.Fulfilled);
    }

    private async Task<Order> WaitForOrderAsync(Guid orderId, OrderState state)
    {
        for (var i = 0; i < 100; i++)
        {
            await using var db = payments.Database.NewContext();
            var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId);
            if (order.State == state)
            {
                return order;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Order {orderId} never became {state}.");
    }

    private async Task<HttpResponseMessage> RefundAsync(AngleSharp.Html.Dom.IHtmlDocument page, string reason = "Customer changed travel plans") =>
        await _admin.SubmitAsync(page, "[data-testid=refund-form]", new Dictionary<string, string> { ["Input.Reason"] = reason });

    private async Task<int> RefundEventsAsync()
    {
        var events = await new Stripe.EventService(payments.Emulator.Stripe).ListAsync(new Stripe.EventListOptions { Type = "charge.refunded", Limit = 100 });
        return events.Data.Count;
    }

    [Fact]
    public async Task A_double_click_refunds_once_and_an_unused_renewal_gives_its_days_back_when_stripe_confirms()
    {
        var order = await PaidRenewalAsync(simStillValid: true);
        var page = await _admin.GetDocumentAsync($"/admin/orders/{order.Id}");
        Assert.Equal($"Refund ¥1,980 in full through Stripe. This renewal has not started yet, so the SIM's validity goes back from {Jst.Format(order.NewExpiresAt!.Value)} to {Jst.Format(order.PreviousExpiresAt!.Value)}.",
            page.Text("[data-testid=refund-effect]"));

        var clicks = await Task.WhenAll(RefundAsync(page), RefundAsync(page));

        Assert.All(clicks, c => Assert.True(c.IsRedirect(), $"refund answered {(int)c.StatusCode}"));
        var refunded = await WaitForOrderAsync(order.Id, OrderState.Refunded);
        Assert.Equal(1, await RefundEventsAsync());
        Assert.NotNull(refunded.RefundId);
        await using var db = payments.Database.NewContext();
        var sim = await db.Sims.AsNoTracking().SingleAsync(s => s.Id == order.SimId);
        Assert.Equal(order.PreviousExpiresAt, sim.ExpiresAt);
        var carrier = await db.OutboxMessages.AsNoTracking().Where(m => m.OrderId == order.Id).OrderBy(m => m.Id).ToListAsync();
        Assert.Equal(2, carrier.Count); // the renewal, then its roll-back, both told to the carrier
        Assert.Equal(order.PreviousExpiresAt, Core.Carrier.CarrierOutbox.ReadValidityChanged(carrier[1]).ExpiresAt);
        var requested = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "order.refund-requested");
        Assert.Equal((order.Id.ToString(), "boss@example.com"), (requested.EntityId, requested.ActorName));
        Assert.Contains("Customer changed travel plans", requested.After);
        Assert.Single(await db.AuditEntries.AsNoTracking().Where(a => a.Action == "order.refund-rolled-back").ToListAsync());

        var after = await _admin.GetDocumentAsync($"/admin/orders/{order.Id}");
        Assert.Equal("Refunded", after.QuerySelector("[data-testid=order-state]")!.GetAttribute("data-state"));
        Assert.Equal(LifeOfARefundedOrder, TimelineKinds(after));
        Assert.Equal($"{Jst.Format(order.PreviousExpiresAt!.Value)} → {Jst.Format(order.NewExpiresAt!.Value)} · this renewal's days were taken back on refund: valid until {Jst.Format(order.PreviousExpiresAt!.Value)}",
            after.Text("[data-testid=validity]"));
        Assert.Null(after.QuerySelector("[data-testid=refund-form]"));

        // The page from before the refund, sent a third time: the same answer, and still one refund.
        var late = await RefundAsync(page);
        Assert.True(late.IsRedirect(), $"a late click answered {(int)late.StatusCode}");
        Assert.Equal(1, await RefundEventsAsync());
        var requests = await payments.Emulator.RequestsAsync("/v1/refunds");
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.Equal("refund:" + order.Id.ToString("N"), r.GetProperty("idempotency_key").GetString()));
    }

    private static readonly string[] LifeOfARefundedOrder =
        ["created", "stripe:CheckoutCompleted", "paid", "fulfilled", "refund-requested", "stripe:ChargeRefunded", "refunded"];

    private static List<string?> TimelineKinds(AngleSharp.Html.Dom.IHtmlDocument page) =>
        page.QuerySelectorAll("[data-testid=timeline] li").Select(li => li.GetAttribute("data-kind")).ToList();

    [Fact]
    public async Task The_order_stays_fulfilled_with_its_validity_until_stripe_confirms_the_refund()
    {
        var order = await PaidRenewalAsync(simStillValid: true);
        await payments.Emulator.SetDeliveryAsync(hold: true);
        payments.Portal.Clock.Advance(TimeSpan.FromMinutes(1));

        var clicked = await RefundAsync(await _admin.GetDocumentAsync($"/admin/orders/{order.Id}"));

        Assert.True(clicked.IsRedirect());
        var waiting = await _admin.GetDocumentAsync(clicked.Headers.Location!.OriginalString);
        Assert.Equal("The refund was sent to Stripe. The order becomes Refunded when Stripe confirms it.", waiting.Text("[role=status]"));
        Assert.Equal("Fulfilled", waiting.QuerySelector("[data-testid=order-state]")!.GetAttribute("data-state"));
        Assert.Equal(["created", "stripe:CheckoutCompleted", "paid", "fulfilled", "refund-requested"], TimelineKinds(waiting));
        Assert.Equal($"{Jst.Format(order.PreviousExpiresAt!.Value)} → {Jst.Format(order.NewExpiresAt!.Value)}", waiting.Text("[data-testid=validity]"));
        Assert.Null(waiting.QuerySelector("[data-testid=refund-form]"));
        Assert.Equal(order.NewExpiresAt, await ExpiryAsync(order.SimId!.Value));
        var request = Assert.Single(await payments.Emulator.RequestsAsync("/v1/refunds"));
        Assert.Equal("refund:" + order.Id.ToString("N"), request.GetProperty("idempotency_key").GetString());

        payments.Portal.Clock.Advance(TimeSpan.FromMinutes(1));
        await payments.Emulator.SetDeliveryAsync(hold: false);
        Assert.True(await payments.Emulator.ReleaseHeldEventsAsync(reverse: false) >= 1);

        var refunded = await WaitForOrderAsync(order.Id, OrderState.Refunded);
        Assert.Equal(order.PreviousExpiresAt, await ExpiryAsync(order.SimId!.Value));
        Assert.Equal(order.PreviousExpiresAt, refunded.RolledBackTo);
        var after = await _admin.GetDocumentAsync($"/admin/orders/{order.Id}");
        Assert.Equal(LifeOfARefundedOrder, TimelineKinds(after));
        Assert.EndsWith($"valid until {Jst.Format(order.PreviousExpiresAt!.Value)}", after.Text("[data-testid=validity]"));
    }

    [Fact]
    public async Task Two_unused_renewals_refunded_oldest_first_give_the_sim_back_its_original_expiry()
    {
        var (traveller, userId) = await payments.SignUpAsync("twice@example.com");
        var sim = await payments.AddPhysicalSimAsync(userId, "898110000000000044", payments.Portal.Clock.GetUtcNow().AddDays(-6));
        var a = await PaidRenewalAsync(traveller, sim.Id);
        var b = await PaidRenewalAsync(traveller, sim.Id);
        Assert.Equal((sim.ExpiresAt, a.NewExpiresAt), (a.PreviousExpiresAt, b.PreviousExpiresAt));

        var pageA = await _admin.GetDocumentAsync($"/admin/orders/{a.Id}");
        Assert.Equal($"Refund ¥1,980 in full through Stripe. This renewal has not started yet, so the SIM's validity goes back from {Jst.Format(b.NewExpiresAt!.Value)} to {Jst.Format(a.NewExpiresAt!.Value)}.",
            pageA.Text("[data-testid=refund-effect]"));
        Assert.True((await RefundAsync(pageA)).IsRedirect());
        await WaitForOrderAsync(a.Id, OrderState.Refunded);
        Assert.Equal(a.NewExpiresAt, await ExpiryAsync(sim.Id)); // only A's 30 days are gone

        var pageB = await _admin.GetDocumentAsync($"/admin/orders/{b.Id}");
        Assert.Equal($"Refund ¥1,980 in full through Stripe. This renewal has not started yet, so the SIM's validity goes back from {Jst.Format(a.NewExpiresAt!.Value)} to {Jst.Format(sim.ExpiresAt!.Value)}.",
            pageB.Text("[data-testid=refund-effect]"));
        Assert.True((await RefundAsync(pageB)).IsRedirect());
        await WaitForOrderAsync(b.Id, OrderState.Refunded);
        Assert.Equal(sim.ExpiresAt, await ExpiryAsync(sim.Id)); // and B's: the SIM ends where it did before both
        await using var db = payments.Database.NewContext();
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == "order.refund-rolled-back"));
    }

    private async Task<DateTimeOffset?> ExpiryAsync(Guid simId)
    {
        await using var db = payments.Database.NewContext();
        return await db.Sims.AsNoTracking().Where(s => s.Id == simId).Select(s => s.ExpiresAt).SingleAsync();
    }

    [Fact]
    public async Task A_renewal_in_use_is_refunded_and_the_sim_keeps_its_validity_as_the_page_said()
    {
        var order = await PaidRenewalAsync(simStillValid: false);
        var page = await _admin.GetDocumentAsync($"/admin/orders/{order.Id}");
        Assert.Equal("Refund ¥1,980 in full through Stripe. This renewal is already in use, so the SIM's validity stays as it is.", page.Text("[data-testid=refund-effect]"));

        Assert.True((await RefundAsync(page)).IsRedirect());

        await WaitForOrderAsync(order.Id, OrderState.Refunded);
        await using var db = payments.Database.NewContext();
        Assert.Equal(order.NewExpiresAt, (await db.Sims.AsNoTracking().SingleAsync(s => s.Id == order.SimId)).ExpiresAt);
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == "order.refund-rolled-back"));
    }

    [Fact]
    public async Task A_refund_needs_a_reason_and_an_order_without_a_payment_cannot_be_refunded()
    {
        var order = await PaidRenewalAsync(simStillValid: true);
        var page = await _admin.GetDocumentAsync($"/admin/orders/{order.Id}");

        var blank = await HtmlForms.ParseAsync(await RefundAsync(page, "   "));
        var huge = await HtmlForms.ParseAsync(await RefundAsync(page, new string('x', 20_000)));

        Assert.Contains("Enter the reason for the refund.", blank.Errors());
        Assert.Contains("The reason can be at most 500 characters.", huge.Errors());
        await using var db = payments.Database.NewContext();
        Assert.Null((await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id)).RefundRequestedAt);
        Assert.Equal(0, await RefundEventsAsync());
        var unpaid = Order.ForRenewal(await db.Sims.SingleAsync(s => s.Id == order.SimId), await db.PlanVersions.SingleAsync(v => v.Id == order.PlanVersionId),
            order.UserId, "x@example.com", "en", "unpaid", DateTimeOffset.UtcNow);
        db.Orders.Add(unpaid);
        await db.SaveChangesAsync();
        var unpaidPage = await _admin.GetDocumentAsync($"/admin/orders/{unpaid.Id}");
        Assert.Equal("This order was not paid; there is nothing to refund.", unpaidPage.Text("[data-testid=refund-refusal]"));
        Assert.Null(unpaidPage.QuerySelector("[data-testid=refund-form]"));
    }

    [Fact]
    public async Task A_partial_refund_made_in_stripe_shows_on_the_timeline_and_changes_nothing_else()
    {
        var order = await PaidRenewalAsync(simStillValid: true);

        await new Stripe.RefundService(payments.Emulator.Stripe).CreateAsync(new Stripe.RefundCreateOptions { PaymentIntent = order.PaymentIntentId, Amount = 500 });

        var page = await WaitForTimelineAsync(order.Id, "stripe:ChargeRefunded");
        Assert.Contains("Partial refund made in Stripe: ¥500 refunded", page.Text("[data-testid=timeline]"));
        await using var db = payments.Database.NewContext();
        Assert.Equal(OrderState.Fulfilled, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id)).State);
        Assert.Equal(order.NewExpiresAt, (await db.Sims.AsNoTracking().SingleAsync(s => s.Id == order.SimId)).ExpiresAt);
    }

    private async Task<AngleSharp.Html.Dom.IHtmlDocument> WaitForTimelineAsync(Guid orderId, string kind)
    {
        for (var i = 0; i < 100; i++)
        {
            var page = await _admin.GetDocumentAsync($"/admin/orders/{orderId}");
            if (page.QuerySelector($"[data-testid=timeline] [data-kind='{kind}']") is not null)
            {
                return page;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No {kind} on the timeline of {orderId}.");
    }
}
