using System.Net.Http.Json;
using Stripe;
using Stripe.Checkout;

namespace EsimRenewal.IntegrationTests.StripeEmulator;

public sealed class CheckoutSessionApiTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Creating_a_yen_session_returns_a_checkout_session_that_Stripe_net_parses()
    {
        var options = EmulatorFixture.NewSession(1500, "card", "alipay", "wechat_pay", "paypay", "konbini");
        options.PaymentMethodOptions!.Konbini = new SessionPaymentMethodOptionsKonbiniOptions { ExpiresAfterDays = 5 };

        var session = await emulator.Sessions.CreateAsync(options);

        Assert.StartsWith("cs_test_", session.Id);
        Assert.Equal("checkout.session", session.Object);
        Assert.Equal("payment", session.Mode);
        Assert.Equal("jpy", session.Currency);
        Assert.Equal(1500, session.AmountSubtotal);
        Assert.Equal(1500, session.AmountTotal);
        Assert.Equal("open", session.Status);
        Assert.Equal("unpaid", session.PaymentStatus);
        Assert.Null(session.PaymentIntentId);
        Assert.False(session.Livemode);
        Assert.Equal("ja", session.Locale);
        Assert.Equal("traveller@example.com", session.CustomerEmail);
        Assert.Equal(options.ClientReferenceId, session.ClientReferenceId);
        Assert.Equal("42", session.Metadata["order_id"]);
        Assert.Equal(["card", "alipay", "wechat_pay", "paypay", "konbini"], session.PaymentMethodTypes);
        Assert.Equal(["card", "alipay", "wechat_pay", "paypay", "konbini"], session.AllowedPaymentMethodTypes);
        Assert.Equal(options.SuccessUrl, session.SuccessUrl);
        Assert.Equal(options.CancelUrl, session.CancelUrl);
        Assert.Equal($"{emulator.BaseUrl}/checkout/{session.Id}", session.Url);
        Assert.InRange(session.ExpiresAt - session.Created, TimeSpan.FromHours(24) - TimeSpan.FromSeconds(2), TimeSpan.FromHours(24) + TimeSpan.FromSeconds(2));
        Assert.InRange(session.Created, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Fifteen_hundred_yen_arrives_on_the_wire_as_unit_amount_1500_with_unencoded_brackets()
    {
        var session = await emulator.CreateSessionAsync(1500);

        var request = (await emulator.RequestsAsync("/v1/checkout/sessions"))
            .Single(r => r.GetProperty("method").GetString() == "POST"
                && r.GetProperty("body").GetString()!.Contains($"client_reference_id={session.ClientReferenceId}", StringComparison.Ordinal));
        var fields = request.GetProperty("body").GetString()!.Split('&');

        Assert.Contains("line_items[0][price_data][unit_amount]=1500", fields);
        Assert.Contains("line_items[0][price_data][currency]=jpy", fields);
        Assert.Contains("line_items[0][quantity]=1", fields);
        Assert.Contains("metadata[order_id]=42", fields);
        Assert.Contains("allowed_payment_method_types[0]=card", fields);
        Assert.Equal(1500, session.AmountTotal);
        Assert.DoesNotContain(emulator.ApiKey, request.GetRawText());
    }

    [Fact]
    public async Task Retrieving_a_session_returns_it_with_its_line_items_when_expanded()
    {
        var created = await emulator.CreateSessionAsync(3000);

        var plain = await emulator.Sessions.GetAsync(created.Id);
        var expanded = await emulator.Sessions.GetAsync(created.Id, new SessionGetOptions { Expand = ["line_items"] });

        Assert.Equal(created.Id, plain.Id);
        Assert.Null(plain.LineItems);
        var item = Assert.Single(expanded.LineItems.Data);
        Assert.Equal("Japan 10 GB / 30 days", item.Description);
        Assert.Equal(3000, item.AmountTotal);
        Assert.Equal(1, item.Quantity);
        Assert.Equal(3000, item.Price.UnitAmount);
        Assert.Equal("jpy", item.Price.Currency);
        var listed = await new SessionLineItemService(emulator.Stripe).ListAsync(created.Id);
        Assert.Equal(item.Id, Assert.Single(listed.Data).Id);
    }

    [Fact]
    public async Task Listing_sessions_is_newest_first_and_pages_like_Stripe()
    {
        var first = await emulator.CreateSessionAsync();
        var second = await emulator.CreateSessionAsync();
        var third = await emulator.CreateSessionAsync();

        var page = await emulator.Sessions.ListAsync(new SessionListOptions { Limit = 2 });
        var after = await emulator.Sessions.ListAsync(new SessionListOptions { Limit = 1, StartingAfter = second.Id });
        var before = await emulator.Sessions.ListAsync(new SessionListOptions { Limit = 1, EndingBefore = second.Id });

        Assert.Equal([third.Id, second.Id], page.Data.Select(s => s.Id));
        Assert.True(page.HasMore);
        Assert.Equal("/v1/checkout/sessions", page.Url);
        Assert.Equal(first.Id, Assert.Single(after.Data).Id);
        Assert.Equal(third.Id, Assert.Single(before.Data).Id);
    }

    [Fact]
    public async Task Listing_sessions_filters_by_status_payment_intent_and_created()
    {
        var paid = await emulator.CreateSessionAsync();
        var open = await emulator.CreateSessionAsync();
        await emulator.PaySuccessfullyAsync(paid.Id);
        var paymentIntentId = (await emulator.Sessions.GetAsync(paid.Id)).PaymentIntentId;

        var complete = await emulator.Sessions.ListAsync(new SessionListOptions { Status = "complete", Limit = 100 });
        var openOnes = await emulator.Sessions.ListAsync(new SessionListOptions { Status = "open", Limit = 100 });
        var byPaymentIntent = await emulator.Sessions.ListAsync(new SessionListOptions { PaymentIntent = paymentIntentId });
        var future = await emulator.Sessions.ListAsync(new SessionListOptions { Created = new DateRangeOptions { GreaterThan = DateTime.UtcNow.AddMinutes(5) } });
        var recent = await emulator.Sessions.ListAsync(new SessionListOptions { Created = new DateRangeOptions { GreaterThanOrEqual = open.Created }, Limit = 100 });

        Assert.Contains(complete.Data, s => s.Id == paid.Id);
        Assert.DoesNotContain(complete.Data, s => s.Id == open.Id);
        Assert.Contains(openOnes.Data, s => s.Id == open.Id);
        Assert.DoesNotContain(openOnes.Data, s => s.Id == paid.Id);
        Assert.Equal(paid.Id, Assert.Single(byPaymentIntent.Data).Id);
        Assert.Empty(future.Data);
        Assert.Contains(recent.Data, s => s.Id == open.Id);
    }

    [Fact]
    public async Task Allowed_payment_methods_are_filtered_to_what_the_account_and_currency_support_like_Stripe()
    {
        var options = EmulatorFixture.NewSession(1500, "konbini", "paypal", "card", "paypay");
        options.LineItems[0].PriceData.Currency = "usd";

        var session = await emulator.Sessions.CreateAsync(options);

        Assert.Equal(["card"], session.PaymentMethodTypes);
        Assert.Equal(["konbini", "paypal", "card", "paypay"], session.AllowedPaymentMethodTypes);
    }

    [Fact]
    public async Task Without_allowed_payment_methods_a_yen_session_offers_the_accounts_methods()
    {
        var options = EmulatorFixture.NewSession();
        options.AllowedPaymentMethodTypes = null;

        var session = await emulator.Sessions.CreateAsync(options);

        Assert.Equal(["card", "alipay", "paypay", "konbini"], session.PaymentMethodTypes);
        Assert.Null(session.AllowedPaymentMethodTypes);
    }

    [Fact]
    public async Task Expiring_an_open_session_expires_it_and_emits_checkout_session_expired()
    {
        var session = await emulator.CreateSessionAsync();

        var expired = await emulator.Sessions.ExpireAsync(session.Id);

        Assert.Equal("expired", expired.Status);
        Assert.Null(expired.Url);
        Assert.Equal("expired", (await emulator.Sessions.GetAsync(session.Id)).Status);
        var expiredEvent = Assert.Single(await emulator.EventsAboutAsync(session.Id, "checkout.session.expired"));
        Assert.Equal("expired", ((Session)expiredEvent.Data.Object).Status);
        Assert.Equal(expired.StripeResponse.RequestId, expiredEvent.Request.Id);
    }

    [Fact]
    public async Task Expiring_a_paid_session_is_refused_like_Stripe()
    {
        var session = await emulator.CreateSessionAsync();
        await emulator.PaySuccessfullyAsync(session.Id);

        var error = await Assert.ThrowsAsync<StripeException>(() => emulator.Sessions.ExpireAsync(session.Id));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.StartsWith("Only Checkout Sessions with a status in ['open'] can be expired.", error.StripeError.Message);
        Assert.Equal("complete", (await emulator.Sessions.GetAsync(session.Id)).Status);
    }

    [Fact]
    public async Task Paying_by_card_completes_the_session_with_a_payment_intent_and_emits_checkout_session_completed()
    {
        var session = await emulator.CreateSessionAsync();

        await emulator.PaySuccessfullyAsync(session.Id);

        var paid = await emulator.Sessions.GetAsync(session.Id, new SessionGetOptions { Expand = ["payment_intent"] });
        Assert.Equal("complete", paid.Status);
        Assert.Equal("paid", paid.PaymentStatus);
        Assert.StartsWith("pi_", paid.PaymentIntentId);
        Assert.Equal("succeeded", paid.PaymentIntent.Status);
        Assert.Equal(1500, paid.PaymentIntent.AmountReceived);
        Assert.Equal("traveller@example.com", paid.CustomerDetails.Email);
        var completed = Assert.Single(await emulator.EventsAboutAsync(session.Id, "checkout.session.completed"));
        Assert.Equal("paid", ((Session)completed.Data.Object).PaymentStatus);
    }

    [Fact]
    public async Task Paying_programmatically_with_a_declined_card_answers_a_card_error_and_leaves_the_session_open()
    {
        var session = await emulator.CreateSessionAsync();

        using var response = await emulator.PayAsync(session.Id, "card", "4000000000000002");
        var error = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("error");

        Assert.Equal(System.Net.HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("card_error", error.GetProperty("type").GetString());
        Assert.Equal("card_declined", error.GetProperty("code").GetString());
        Assert.Equal("generic_decline", error.GetProperty("decline_code").GetString());
        var unpaid = await emulator.Sessions.GetAsync(session.Id);
        Assert.Equal("open", unpaid.Status);
        Assert.Equal("unpaid", unpaid.PaymentStatus);
    }

    [Fact]
    public async Task Events_carry_the_api_version_that_Stripe_net_pins_and_can_be_listed_and_retrieved()
    {
        var session = await emulator.CreateSessionAsync();
        await emulator.PaySuccessfullyAsync(session.Id);

        var listed = Assert.Single(await emulator.EventsAboutAsync(session.Id));
        var retrieved = await emulator.Events.GetAsync(listed.Id);
        var otherType = await emulator.Events.ListAsync(new EventListOptions { Type = "charge.refunded", Limit = 100 });

        Assert.Equal(StripeConfiguration.ApiVersion, listed.ApiVersion);
        Assert.Equal("2026-10-28.endive", retrieved.ApiVersion);
        Assert.StartsWith("evt_", retrieved.Id);
        Assert.Equal("checkout.session.completed", retrieved.Type);
        Assert.Equal(session.Id, ((Session)retrieved.Data.Object).Id);
        Assert.DoesNotContain(otherType.Data, e => e.Id == listed.Id);
    }
}
