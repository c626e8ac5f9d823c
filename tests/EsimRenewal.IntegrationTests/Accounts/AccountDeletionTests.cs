using System.Net;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Orders;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Payments;
using EsimRenewal.IntegrationTests.StripeEmulator;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Accounts;

/// <summary>
/// Deleting an account that has checkouts and receipts, with the Stripe emulator: its open checkouts are closed at
/// the provider, a payment that still arrives (a konbini slip paid at the store) neither brings an email back nor
/// issues an eSIM to no one, and no email about its orders keeps an address.
/// </summary>
public sealed class AccountDeletionTests(PaymentFixture payments) : IClassFixture<PaymentFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await payments.ResetAsync();
        await payments.SeedPlansAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task DeleteAccountAsync(HttpClient client)
    {
        var deleted = await client.SubmitAsync(await client.GetDocumentAsync("/account/profile"), "[data-testid=delete-form]", new Dictionary<string, string>
        {
            ["Input.DeletePassword"] = Travellers.Password,
        });
        Assert.True(deleted.IsRedirect(), $"deleting the account answered {(int)deleted.StatusCode}");
    }

    /// <summary>Submits the renewal form for the 30-day plan: an order with a checkout session at the emulator.</summary>
    private async Task<Order> StartRenewalAsync(HttpClient client, Guid simId)
    {
        var start = await client.SubmitAsync(await client.GetDocumentAsync($"/sims/{simId}/renew"), "[data-testid=renew-form]", new Dictionary<string, string>
        {
            ["Input.PlanVersionId"] = (await payments.PlanVersionIdAsync("month")).ToString(),
        });
        Assert.StartsWith(payments.Emulator.BaseUrl + "/checkout/", start.Headers.Location!.ToString());
        return await OrderOfKindAsync(OrderKind.Renewal);
    }

    private async Task<Order> OrderOfKindAsync(OrderKind kind)
    {
        await using var db = payments.Database.NewContext();
        return await db.Orders.AsNoTracking().SingleAsync(o => o.Kind == kind);
    }

    private async Task WaitForAsync(Func<Core.Data.EsimDbContext, Task<bool>> condition)
    {
        for (var i = 0; i < 150; i++)
        {
            await using var db = payments.Database.NewContext();
            if (await condition(db))
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("timed out waiting");
    }

    [Fact]
    public async Task Deleting_an_account_closes_its_open_checkout_at_stripe_so_it_can_no_longer_be_paid()
    {
        var (client, userId) = await payments.SignUpAsync("leaving@example.com");
        var sim = await payments.AddPhysicalSimAsync(userId, "898110000000000042", payments.Portal.Clock.GetUtcNow().AddDays(-6));
        var pending = await StartRenewalAsync(client, sim.Id);
        DateTimeOffset? expiry;
        await using (var before = payments.Database.NewContext())
        {
            expiry = (await before.Sims.AsNoTracking().SingleAsync()).ExpiresAt;
        }

        await DeleteAccountAsync(client);

        var session = await payments.Emulator.Sessions.GetAsync(pending.CheckoutSessionId!);
        Assert.Equal("expired", session.Status);
        using (var lateCard = await payments.Emulator.PayAsync(pending.CheckoutSessionId!, "card"))
        {
            Assert.False(lateCard.IsSuccessStatusCode); // Stripe takes no payment for an expired session
        }
        using (var browser = new CheckoutPageBrowser())
        {
            var (_, page) = await browser.GetAsync(pending.CheckoutUrl!);
            Assert.Null(page.QuerySelector("form#card-form")); // the hosted page no longer offers to pay
        }
        await using var db = payments.Database.NewContext();
        var order = await db.Orders.AsNoTracking().SingleAsync();
        Assert.Equal((OrderState.Cancelled, (string?)null, ""), (order.State, order.UserId, order.Email));
        Assert.NotNull(order.PersonalDataRemovedAt);
        Assert.Equal(expiry, (await db.Sims.AsNoTracking().SingleAsync()).ExpiresAt);
        Assert.False(await db.OutgoingEmails.AnyAsync());
    }

    [Fact]
    public async Task Konbini_slips_paid_after_the_account_was_deleted_renew_the_sim_but_mail_no_one_and_issue_no_ownerless_esim()
    {
        var (client, userId) = await payments.SignUpAsync("konbini@example.com");
        var sim = await payments.AddPhysicalSimAsync(userId, "898110000000000042", payments.Portal.Clock.GetUtcNow().AddDays(-6));
        var renewal = await StartRenewalAsync(client, sim.Id);
        var bought = await client.SubmitAsync(await client.GetDocumentAsync("/plans/week-esim"), "[data-testid=buy-form]", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, bought.StatusCode);
        var newEsim = await OrderOfKindAsync(OrderKind.NewEsim);
        // Both slips are taken at checkout (the session carries the account's email): awaiting payment at the store.
        await payments.Emulator.PaySuccessfullyAsync(renewal.CheckoutSessionId!, "konbini");
        await payments.Emulator.PaySuccessfullyAsync(newEsim.CheckoutSessionId!, "konbini");
        await WaitForAsync(db => db.Orders.AllAsync(o => o.State == OrderState.AwaitingAsyncPayment));

        await DeleteAccountAsync(client);
        await payments.Emulator.PaySuccessfullyAsync(renewal.CheckoutSessionId!, "konbini-paid");
        await payments.Emulator.PaySuccessfullyAsync(newEsim.CheckoutSessionId!, "konbini-paid");
        await WaitForAsync(async db => await db.ProcessedStripeEvents.CountAsync(e => e.Type == nameof(Core.Payments.PaymentEventKind.AsyncPaymentSucceeded)) == 2);

        await using var check = payments.Database.NewContext();
        var renewed = await check.Orders.AsNoTracking().SingleAsync(o => o.Id == renewal.Id);
        Assert.Equal((OrderState.Fulfilled, (string?)null, ""), (renewed.State, renewed.UserId, renewed.Email)); // the holder keeps what was paid for
        var card = await check.Sims.AsNoTracking().SingleAsync(s => s.Id == sim.Id);
        Assert.Equal((renewed.NewExpiresAt, (string?)null), (card.ExpiresAt, card.OwnerId));
        var unissued = await check.Orders.AsNoTracking().SingleAsync(o => o.Id == newEsim.Id);
        Assert.Equal((OrderState.Paid, (Guid?)null, ""), (unissued.State, unissued.SimId, unissued.Email)); // left for a refund
        Assert.Null(unissued.RefundRefusal);
        Assert.Equal(1, await check.Sims.CountAsync()); // no eSIM without an owner
        Assert.False(await check.OutgoingEmails.AnyAsync(e => e.Recipient != ""));
        Assert.False(await check.Orders.AnyAsync(o => o.Email == "konbini@example.com"));
    }

    [Fact]
    public async Task Deleting_a_phone_account_scrubs_the_receipts_sent_to_the_email_given_at_checkout()
    {
        var (client, userId) = await payments.SignUpAsync("090-2222-3333");
        var sim = await payments.AddPhysicalSimAsync(userId, "898110000000000042", payments.Portal.Clock.GetUtcNow().AddDays(-6));
        var order = await StartRenewalAsync(client, sim.Id);
        using (var browser = new CheckoutPageBrowser())
        {
            var paid = await browser.PayByCardAsync(order.CheckoutUrl!, "4242 4242 4242 4242", email: "receipts@example.com");
            Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        }
        await WaitForAsync(db => db.OutgoingEmails.AnyAsync(e => e.Kind == EmailKind.OrderConfirmation && e.Recipient == "receipts@example.com"));
        await using (var db = payments.Database.NewContext())
        {
            // As the email worker leaves it once the receipt has gone out.
            await db.OutgoingEmails.ExecuteUpdateAsync(e => e.SetProperty(x => x.SentAt, payments.Portal.Clock.GetUtcNow()));
        }

        await DeleteAccountAsync(client);

        await using var check = payments.Database.NewContext();
        var receipt = await check.OutgoingEmails.AsNoTracking().SingleAsync();
        Assert.Equal((order.Id, ""), (receipt.OrderId!.Value, receipt.Recipient));
        Assert.Null(receipt.DiscardedAt); // it was sent; only the address goes
        var kept = await check.Orders.AsNoTracking().SingleAsync();
        Assert.Equal((OrderState.Fulfilled, ""), (kept.State, kept.Email));
    }
}
