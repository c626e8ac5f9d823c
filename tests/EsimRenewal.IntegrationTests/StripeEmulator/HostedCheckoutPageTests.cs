using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Stripe.Checkout;

namespace EsimRenewal.IntegrationTests.StripeEmulator;

/// <summary>The hosted checkout page, driven through its real HTML forms.</summary>
public sealed class HostedCheckoutPageTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly CheckoutPageBrowser _browser = new();

    public void Dispose() => _browser.Dispose();

    private static IHtmlFormElement Form(IDocument page, string id) =>
        page.QuerySelector<IHtmlFormElement>($"form#{id}") ?? throw new Xunit.Sdk.XunitException($"No form #{id} on the page.");

    private static Dictionary<string, string> Card(string number) => new()
    {
        ["card_number"] = number,
        ["expiry"] = "12 / 34",
        ["cvc"] = "123",
    };

    [Fact]
    public async Task The_page_shows_the_line_items_the_yen_total_and_the_locale()
    {
        var session = await emulator.CreateSessionAsync(1500);

        var (response, page) = await _browser.GetAsync(session.Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("¥1,500", page.QuerySelector("#total")!.TextContent);
        Assert.Contains("Japan 10 GB / 30 days", page.QuerySelector("#summary")!.TextContent);
        Assert.Contains("ja", page.QuerySelector("#locale")!.TextContent);
        Assert.Equal("ja", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("https://shop.example/orders/42/cancelled", page.QuerySelector<IHtmlAnchorElement>("a#cancel")!.Href);
    }

    [Fact]
    public async Task Only_the_sessions_payment_methods_are_offered()
    {
        var cardOnly = await emulator.CreateSessionAsync(1500, "card");
        var everything = await emulator.CreateSessionAsync(1500, "card", "alipay", "wechat_pay", "paypay", "konbini");

        var (_, cardPage) = await _browser.GetAsync(cardOnly.Url);
        var (_, fullPage) = await _browser.GetAsync(everything.Url);

        Assert.NotNull(cardPage.QuerySelector("form#card-form"));
        Assert.Null(cardPage.QuerySelector("form#konbini-form"));
        Assert.Null(cardPage.QuerySelector("form#alipay-form"));
        foreach (var form in new[] { "card-form", "alipay-form", "wechat_pay-form", "paypay-form", "konbini-form" })
        {
            Assert.NotNull(fullPage.QuerySelector($"form#{form}"));
        }

        Assert.DoesNotContain("7-Eleven", fullPage.QuerySelector("form#konbini-form")!.TextContent.Replace("not 7-Eleven", string.Empty));
    }

    [Fact]
    public async Task Paying_with_4242_redirects_to_success_url_with_the_session_id_and_marks_the_session_paid()
    {
        var session = await emulator.CreateSessionAsync(1500);
        var (_, page) = await _browser.GetAsync(session.Url);

        var (response, _) = await _browser.SubmitAsync(Form(page, "card-form"), Card("4242 4242 4242 4242"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal($"https://shop.example/orders/42/paid?session_id={session.Id}", response.Headers.Location!.ToString());
        var paid = await emulator.Sessions.GetAsync(session.Id);
        Assert.Equal("complete", paid.Status);
        Assert.Equal("paid", paid.PaymentStatus);
        Assert.StartsWith("pi_", paid.PaymentIntentId);
        Assert.Equal("traveller@example.com", paid.CustomerDetails.Email);
    }

    [Fact]
    public async Task Card_4000_0000_0000_0002_is_declined_with_the_message_shown_and_the_session_stays_open_and_unpaid()
    {
        var session = await emulator.CreateSessionAsync(1500);
        var (_, page) = await _browser.GetAsync(session.Url);

        var (response, declinedPage) = await _browser.SubmitAsync(Form(page, "card-form"), Card("4000 0000 0000 0002"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("Your card was declined.", declinedPage.QuerySelector("#error")!.TextContent);
        Assert.NotNull(declinedPage.QuerySelector("form#card-form"));
        var unpaid = await emulator.Sessions.GetAsync(session.Id);
        Assert.Equal("open", unpaid.Status);
        Assert.Equal("unpaid", unpaid.PaymentStatus);
        Assert.Null(unpaid.PaymentIntentId);
        Assert.Empty(await emulator.EventsAboutAsync(session.Id));
    }

    [Fact]
    public async Task A_card_number_with_a_wrong_check_digit_is_reported_as_incorrect()
    {
        var session = await emulator.CreateSessionAsync(1500);
        var (_, page) = await _browser.GetAsync(session.Url);

        var (_, errorPage) = await _browser.SubmitAsync(Form(page, "card-form"), Card("4242 4242 4242 4241"));

        Assert.Equal("Your card number is incorrect.", errorPage.QuerySelector("#error")!.TextContent);
        Assert.Equal("open", (await emulator.Sessions.GetAsync(session.Id)).Status);
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        var session = await emulator.CreateSessionAsync(1500);
        using var client = new HttpClient();

        var response = await client.PostAsync(
            $"{emulator.BaseUrl}/checkout/{session.Id}/card",
            new FormUrlEncodedContent(new Dictionary<string, string>(Card("4242424242424242")) { ["email"] = "x@example.com" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("open", (await emulator.Sessions.GetAsync(session.Id)).Status);
    }

    [Fact]
    public async Task Authorising_Alipay_completes_the_payment_and_failing_it_leaves_the_session_open()
    {
        var session = await emulator.CreateSessionAsync(1500, "card", "alipay");
        var (_, page) = await _browser.GetAsync(session.Url);
        var form = Form(page, "alipay-form");

        var (failed, failedPage) = await _browser.SubmitAsync(form, button: form.QuerySelector<IHtmlButtonElement>("button[value=fail]"));
        Assert.Equal(HttpStatusCode.PaymentRequired, failed.StatusCode);
        Assert.NotNull(failedPage.QuerySelector("#error"));
        Assert.Equal("open", (await emulator.Sessions.GetAsync(session.Id)).Status);

        var retryForm = Form(failedPage, "alipay-form");
        var (authorised, _) = await _browser.SubmitAsync(retryForm, button: retryForm.QuerySelector<IHtmlButtonElement>("button[value=authorize]"));

        Assert.Equal(HttpStatusCode.SeeOther, authorised.StatusCode);
        Assert.Equal($"https://shop.example/orders/42/paid?session_id={session.Id}", authorised.Headers.Location!.ToString());
        var paid = await emulator.Sessions.GetAsync(session.Id, new SessionGetOptions { Expand = ["payment_intent"] });
        Assert.Equal("paid", paid.PaymentStatus);
        Assert.Equal(["alipay"], paid.PaymentIntent.PaymentMethodTypes);
    }

    [Fact]
    public async Task Konbini_shows_a_payment_number_and_deadline_and_the_simulated_store_payment_pays_the_session()
    {
        var session = await emulator.CreateSessionAsync(1500, "card", "konbini");
        var (_, page) = await _browser.GetAsync(session.Url);

        var (chosen, _) = await _browser.SubmitAsync(Form(page, "konbini-form"));
        Assert.Equal(HttpStatusCode.SeeOther, chosen.StatusCode);
        var (_, slip) = await _browser.GetAsync(new Uri(new Uri(session.Url), chosen.Headers.Location!).ToString());

        Assert.Matches("^[0-9]{12}$", slip.QuerySelector("#payment-number")!.TextContent);
        Assert.EndsWith("JST", slip.QuerySelector("#deadline")!.TextContent);
        var awaiting = await emulator.Sessions.GetAsync(session.Id, new SessionGetOptions { Expand = ["payment_intent"] });
        Assert.Equal("complete", awaiting.Status);
        Assert.Equal("unpaid", awaiting.PaymentStatus);
        Assert.Equal("requires_action", awaiting.PaymentIntent.Status);
        Assert.Equal(slip.QuerySelector("#payment-number")!.TextContent, awaiting.PaymentIntent.NextAction.KonbiniDisplayDetails.Stores.Familymart.PaymentCode);

        var (paid, _) = await _browser.SubmitAsync(Form(slip, "konbini-paid-form"));

        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        Assert.Equal("paid", (await emulator.Sessions.GetAsync(session.Id)).PaymentStatus);
        var events = await emulator.EventsAboutAsync(session.Id);
        Assert.Equal(["checkout.session.completed", "checkout.session.async_payment_succeeded"], events.Select(e => e.Type));
        Assert.Equal("unpaid", ((Session)events[0].Data.Object).PaymentStatus);
        Assert.Equal("paid", ((Session)events[1].Data.Object).PaymentStatus);
    }

    [Fact]
    public async Task A_konbini_deadline_passing_fails_the_payment_and_leaves_the_session_unpaid()
    {
        var session = await emulator.CreateSessionAsync(1500, "konbini");
        var (_, page) = await _browser.GetAsync(session.Url);
        await _browser.SubmitAsync(Form(page, "konbini-form"));
        var (_, slip) = await _browser.GetAsync(session.Url);

        var (lapsed, _) = await _browser.SubmitAsync(Form(slip, "konbini-lapse-form"));
        var (_, after) = await _browser.GetAsync(session.Url);

        Assert.Equal(HttpStatusCode.SeeOther, lapsed.StatusCode);
        Assert.Equal("unpaid", (await emulator.Sessions.GetAsync(session.Id)).PaymentStatus);
        Assert.Equal(
            ["checkout.session.completed", "checkout.session.async_payment_failed"],
            (await emulator.EventsAboutAsync(session.Id)).Select(e => e.Type));
        Assert.Null(after.QuerySelector("form#konbini-paid-form"));
    }

    [Fact]
    public async Task An_expired_session_offers_no_payment()
    {
        var session = await emulator.CreateSessionAsync(1500);
        await emulator.Sessions.ExpireAsync(session.Id);

        var (_, page) = await _browser.GetAsync(session.Url);

        Assert.Contains("expired", page.QuerySelector("#status")!.TextContent);
        Assert.Empty(page.QuerySelectorAll("form"));
    }
}
