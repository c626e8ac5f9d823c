using System.Net;
using AngleSharp.Html.Dom;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Orders;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.StripeEmulator;
using Microsoft.EntityFrameworkCore;
using Stripe.Checkout;

namespace EsimRenewal.IntegrationTests.Payments;

/// <summary>Renewals paid through the real Stripe.net client against the emulator, end to end over HTTP.</summary>
public sealed class RenewalPaymentTests(PaymentFixture payments) : IClassFixture<PaymentFixture>, IAsyncLifetime
{
    // A SIM renewed six days ago with a 30-day plan: valid for 24 more days, then extended by 30.
    private DateTimeOffset RenewedAt => payments.Portal.Clock.GetUtcNow().AddDays(-6);
    private DateTimeOffset CurrentExpiry => Jst.EndOfDay(RenewedAt.AddDays(30));
    private DateTimeOffset ExtendedExpiry => Jst.EndOfDay(CurrentExpiry.AddDays(30));

    public async Task InitializeAsync()
    {
        await payments.ResetAsync();
        await payments.SeedPlansAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Client, Guid SimId)> TravellerWithSimAsync()
    {
        var (client, userId) = await payments.SignUpAsync("mei@example.com");
        var sim = await payments.AddPhysicalSimAsync(userId, "898110000000000042", RenewedAt);
        return (client, sim.Id);
    }

    private async Task<HttpResponseMessage> SubmitRenewalAsync(HttpClient client, Guid simId)
    {
        var page = await client.GetDocumentAsync($"/sims/{simId}/renew");
        return await client.SubmitAsync(page, "[data-testid=renew-form]", new Dictionary<string, string>
        {
            ["Input.PlanVersionId"] = (await payments.PlanVersionIdAsync("month")).ToString(),
        });
    }

    private async Task<Order> OrderAsync()
    {
        await using var db = payments.Database.NewContext();
        return await db.Orders.AsNoTracking().SingleAsync();
    }

    private async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++)
        {
            await Task.Delay(100);
        }
        Assert.True(await condition(), "timed out waiting");
    }

    [Fact]
    public async Task The_renewal_page_shows_exactly_what_paying_will_do_before_paying()
    {
        var (client, simId) = await TravellerWithSimAsync();

        var page = await client.GetDocumentAsync($"/sims/{simId}/renew");

        var month = page.QuerySelector("[data-plan-code=month] [data-testid=preview]")!.TextContent.Trim();
        Assert.Equal($"Extends from the current expiry {Jst.Format(CurrentExpiry)} to {Jst.Format(ExtendedExpiry)}", month);
        Assert.Null(page.QuerySelector("[data-plan-code=week-esim]")); // an eSIM-only plan is not offered for a physical SIM
    }

    [Fact]
    public async Task A_sim_that_no_plan_on_sale_fits_shows_its_expiry_and_no_form()
    {
        var (client, simId) = await TravellerWithSimAsync();
        await using (var db = payments.Database.NewContext())
        {
            await db.Plans.Where(p => p.Code == "month").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false)); // only an eSIM plan is left
        }

        var page = await client.GetDocumentAsync($"/sims/{simId}/renew");

        Assert.StartsWith("898110000000000042", page.QuerySelector("[data-testid=iccid]")!.TextContent); // the SIM is still shown
        Assert.Equal(Jst.Format(CurrentExpiry), page.QuerySelector("[data-testid=current-expiry]")!.TextContent.Trim());
        Assert.NotNull(page.QuerySelector("[data-testid=no-renewal-plans]"));
        Assert.Null(page.QuerySelector("[data-testid=renew-form]"));
    }

    [Fact]
    public async Task A_card_renewal_through_the_emulator_ends_fulfilled_with_the_expiry_extended_once()
    {
        var (client, simId) = await TravellerWithSimAsync();

        var start = await SubmitRenewalAsync(client, simId);
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith(payments.Emulator.BaseUrl + "/checkout/cs_test_", start.Headers.Location!.ToString());

        using var browser = new CheckoutPageBrowser();
        var paid = await browser.PayByCardAsync(start.Headers.Location!.ToString(), "4242 4242 4242 4242");
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        var successUrl = paid.Headers.Location!.ToString();
        Assert.StartsWith(payments.PortalUrl + "/orders/", successUrl);

        var orderPage = await client.GetDocumentAsync(successUrl);
        Assert.Equal($"Paid. SIM 8981100000000000424 is now valid until {Jst.Format(ExtendedExpiry)}.", orderPage.Text("[data-testid=new-expiry]"));
        Assert.Null(orderPage.QuerySelector("[data-testid=pay]"));

        // The webhook arrives as well; it must not extend the SIM a second time.
        await WaitForAsync(async () =>
        {
            await using var db = payments.Database.NewContext();
            return await db.ProcessedStripeEvents.AnyAsync();
        });
        await using var check = payments.Database.NewContext();
        var sim = await check.Sims.AsNoTracking().SingleAsync(s => s.Id == simId);
        var order = await check.Orders.AsNoTracking().SingleAsync();
        Assert.Equal(OrderState.Fulfilled, order.State);
        Assert.Equal(ExtendedExpiry, sim.ExpiresAt);
        Assert.Equal(2, sim.RenewalCount); // the seeded activation and this renewal
        Assert.Equal(CurrentExpiry, order.PreviousExpiresAt);
        Assert.Single(await check.OutboxMessages.AsNoTracking().ToListAsync());
        Assert.Equal(new Yen(1980), order.Amount);
    }

    [Fact]
    public async Task An_account_registered_with_a_phone_number_pays_with_the_email_checkout_asks_for_and_its_receipt_goes_there()
    {
        var (client, userId) = await payments.SignUpAsync("090-8765-4321");
        var sim = await payments.AddPhysicalSimAsync(userId, "898110000000000042", RenewedAt);

        var start = await SubmitRenewalAsync(client, sim.Id);
        using var browser = new CheckoutPageBrowser();
        var paid = await browser.PayByCardAsync(start.Headers.Location!.ToString(), "4242 4242 4242 4242", email: "phone.buyer@example.com");
        var orderPage = await client.GetDocumentAsync(paid.Headers.Location!.ToString());

        var order = await OrderAsync();
        Assert.Equal((userId, OrderState.Fulfilled), (order.UserId, order.State));
        Assert.Equal("phone.buyer@example.com", order.Email);
        var buyer = orderPage.QuerySelectorAll("[data-testid=receipt] dt").Zip(orderPage.QuerySelectorAll("[data-testid=receipt] dd"))
            .Single(line => line.First.TextContent.Trim() == "Buyer").Second.TextContent.Trim();
        Assert.Equal(order.Email, buyer);
        await using var db = payments.Database.NewContext();
        var confirmation = await db.OutgoingEmails.AsNoTracking().SingleAsync(e => e.Kind == Core.Notifications.EmailKind.OrderConfirmation);
        Assert.Equal((order.Id, order.Email), (confirmation.OrderId!.Value, confirmation.Recipient));
    }

    [Fact]
    public async Task A_declined_card_leaves_the_order_unpaid_and_the_sim_unchanged()
    {
        var (client, simId) = await TravellerWithSimAsync();
        var start = await SubmitRenewalAsync(client, simId);

        using var browser = new CheckoutPageBrowser();
        var declined = await browser.PayByCardAsync(start.Headers.Location!.ToString(), "4000 0000 0000 0002");

        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode); // the emulator shows the decline, no redirect
        var order = await OrderAsync();
        Assert.Equal(OrderState.PendingPayment, order.State);
        await using var db = payments.Database.NewContext();
        var sim = await db.Sims.AsNoTracking().SingleAsync(s => s.Id == simId);
        Assert.Equal(CurrentExpiry, sim.ExpiresAt);
        Assert.Equal(1, sim.RenewalCount);
        var orderPage = await client.GetDocumentAsync($"/orders/{order.Id}?cancelled=true");
        Assert.NotNull(orderPage.QuerySelector("[data-testid=pay]")); // unpaid: may still pay
    }

    [Fact]
    public async Task A_konbini_order_page_shows_the_payment_deadline_and_offers_no_second_payment()
    {
        var (client, simId) = await TravellerWithSimAsync();
        await SubmitRenewalAsync(client, simId);
        var order = await OrderAsync();
        await payments.Emulator.PaySuccessfullyAsync(order.CheckoutSessionId!, "konbini");

        var page = await client.GetDocumentAsync($"/orders/{order.Id}?session_id={order.CheckoutSessionId}");

        var deadline = Jst.Format(Jst.EndOfDay(payments.Portal.Clock.GetUtcNow().AddDays(3)));
        Assert.Equal($"Awaiting your convenience-store payment until {deadline}.", page.Text("[data-testid=order-status] p"));
        Assert.Contains("not 7-Eleven", page.Text("[data-testid=order-status]"));
        Assert.Null(page.QuerySelector("[data-testid=pay]"));
        Assert.Equal(OrderState.AwaitingAsyncPayment, (await OrderAsync()).State);
    }

    [Fact]
    public async Task Returning_from_checkout_before_the_payment_settles_shows_processing_and_refreshes()
    {
        var (client, simId) = await TravellerWithSimAsync();
        await SubmitRenewalAsync(client, simId);
        var order = await OrderAsync();

        var page = await client.GetDocumentAsync($"/orders/{order.Id}?session_id={order.CheckoutSessionId}");

        Assert.Equal("Confirming your payment… this page refreshes by itself.", page.Text("[data-testid=order-status] p"));
        Assert.Equal("3", page.QuerySelector("meta[http-equiv=refresh]")!.GetAttribute("content"));
        Assert.Null(page.QuerySelector("[data-testid=pay]"));
    }

    [Fact]
    public async Task Yen_reach_stripe_as_whole_yen_at_the_wire()
    {
        var (client, simId) = await TravellerWithSimAsync();

        await SubmitRenewalAsync(client, simId);

        var requests = await payments.Emulator.Control.GetStringAsync("/_emulator/requests?path=/v1/checkout/sessions");
        Assert.Contains("line_items[0][price_data][unit_amount]=1980", Uri.UnescapeDataString(requests));
        Assert.Contains("line_items[0][price_data][currency]=jpy", Uri.UnescapeDataString(requests));
        Assert.DoesNotContain("198000", requests);
        var session = await payments.Emulator.Sessions.GetAsync((await OrderAsync()).CheckoutSessionId);
        Assert.Equal(1980, session.AmountTotal);
        Assert.Equal("jpy", session.Currency);
    }

    [Fact]
    public async Task The_checkout_session_carries_the_order_and_the_visitors_language()
    {
        var (client, simId) = await TravellerWithSimAsync();
        client.DefaultRequestHeaders.AcceptLanguage.Clear();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");

        await SubmitRenewalAsync(client, simId);

        var order = await OrderAsync();
        var session = await payments.Emulator.Sessions.GetAsync(order.CheckoutSessionId);
        Assert.Equal(order.Id.ToString(), session.Metadata["order_id"]);
        Assert.Equal(order.Id.ToString(), session.ClientReferenceId);
        Assert.Equal("zh", session.Locale);
        Assert.Equal("payment", session.Mode);
        Assert.Equal("mei@example.com", session.CustomerEmail);
    }

    [Fact]
    public async Task A_double_submit_of_pay_makes_one_order_and_one_session()
    {
        var (client, simId) = await TravellerWithSimAsync();
        var page = await client.GetDocumentAsync($"/sims/{simId}/renew");
        var plan = (await payments.PlanVersionIdAsync("month")).ToString();
        using var barrier = new Barrier(2);

        var responses = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            return await client.SubmitAsync(page, "[data-testid=renew-form]", new Dictionary<string, string> { ["Input.PlanVersionId"] = plan });
        })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Equal(responses[0].Headers.Location, responses[1].Headers.Location);
        await using var db = payments.Database.NewContext();
        Assert.Equal(1, await db.Orders.CountAsync());
        var sessions = await payments.Emulator.Sessions.ListAsync(new SessionListOptions { Limit = 100 });
        Assert.Single(sessions.Data);
    }

    [Fact]
    public async Task A_renewal_of_someone_elses_sim_is_not_found_and_creates_nothing()
    {
        var (_, simId) = await TravellerWithSimAsync();
        var (stranger, _) = await payments.SignUpAsync("stranger@example.com");

        var page = await stranger.GetAsync($"/sims/{simId}/renew");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        await using var db = payments.Database.NewContext();
        Assert.False(await db.Orders.AnyAsync());
    }

    [Fact]
    public async Task A_forged_plan_id_in_the_form_gets_a_message_and_no_order()
    {
        var (client, simId) = await TravellerWithSimAsync();
        var page = await client.GetDocumentAsync($"/sims/{simId}/renew");

        var response = await client.SubmitAsync(page, "[data-testid=renew-form]", new Dictionary<string, string>
        {
            ["Input.PlanVersionId"] = (await payments.PlanVersionIdAsync("week-esim")).ToString(), // eSIM only
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("That plan is not available for this SIM any more; please choose another.", (await HtmlForms.ParseAsync(response)).Errors());
        await using var db = payments.Database.NewContext();
        Assert.False(await db.Orders.AnyAsync());
    }
}
