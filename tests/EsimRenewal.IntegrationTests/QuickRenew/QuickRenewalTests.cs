using System.Net;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Throttling;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Payments;
using EsimRenewal.IntegrationTests.StripeEmulator;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.QuickRenew;

/// <summary>
/// <c>/quick-renew</c> without an account, through the real forms and the Stripe emulator: a physical
/// SIM with its card PIN, an eSIM with a code sent to its purchase email; answers that never tell
/// whether an ICCID exists; the order page reached through its signed link.
/// </summary>
public sealed class QuickRenewalTests(PaymentFixture payments) : IClassFixture<PaymentFixture>, IAsyncLifetime
{
    private const string NotAccepted = "This ICCID and PIN do not match. Check both numbers on the card.";
    private static readonly string CardIccid = Iccid.FromBody("898110000000000321").Value;
    private static readonly string EsimIccid = Iccid.FromBody("898120000000000322").Value;
    private const string CardPin = "4821";
    private const string PurchaseEmail = "buyer@example.com";
    private DateTimeOffset _cardExpiry;

    public async Task InitializeAsync()
    {
        await payments.ResetAsync();
        await payments.SeedPlansAsync();
        await using var db = payments.Database.NewContext();
        var month = await db.PlanVersions.SingleAsync(v => v.Plan.Code == "month");
        var card = Sim.RegisterPhysical(Iccid.Parse(CardIccid), SimPin.Hash(CardPin), TestData.Epoch);
        _cardExpiry = card.ApplyRenewal(month, payments.Portal.Clock.GetUtcNow().AddDays(-6)).NewExpiresAt;
        db.Sims.Add(card);
        db.Sims.Add(Sim.IssueEsim(Iccid.Parse(EsimIccid), "LPA:1$smdp.example$QUICK", PurchaseEmail, null, TestData.Epoch));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<HttpResponseMessage> ProvePhysicalAsync(HttpClient client, string iccid, string pin, string? challenge = null)
    {
        var values = new Dictionary<string, string>
        {
            ["Input.Iccid"] = iccid,
            ["Input.Pin"] = pin,
        };
        if (challenge is not null)
        {
            values["challenge"] = challenge;
        }
        return await client.SubmitAsync(await client.GetDocumentAsync("/quick-renew"), "[data-testid=physical-form]", values);
    }

    /// <summary>A client whose requests come from <paramref name="ip"/> (through a proxy the portal trusts: loopback).</summary>
    private HttpClient ClientFrom(string ip)
    {
        var client = payments.NewClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", ip);
        return client;
    }

    private static string Locked(DateTimeOffset until) => $"Too many wrong attempts: locked until {Jst.Format(until)}. Please try again later.";

    private static async Task<HttpResponseMessage> SendCodeAsync(HttpClient client, string iccid, string email) =>
        await client.SubmitAsync(await client.GetDocumentAsync("/quick-renew"), "[data-testid=esim-form]", new Dictionary<string, string>
        {
            ["Input.Iccid"] = iccid,
            ["Input.Email"] = email,
        });

    private async Task<List<OutgoingEmail>> CodeEmailsAsync()
    {
        await using var db = payments.Database.NewContext();
        return await db.OutgoingEmails.AsNoTracking().Where(e => e.Kind == EmailKind.OneTimeCode).ToListAsync();
    }

    [Fact]
    public async Task A_physical_sim_is_renewed_without_an_account_and_its_order_opens_through_its_signed_link()
    {
        var client = payments.NewClient();

        var proved = await ProvePhysicalAsync(client, CardIccid, CardPin);
        Assert.True(proved.IsRedirect());
        Assert.Equal("/quick-renew/plan", proved.Headers.Location!.OriginalString);
        var plan = await client.GetDocumentAsync("/quick-renew/plan");
        var extended = Jst.EndOfDay(_cardExpiry.AddDays(30));
        Assert.Equal($"Extends from the current expiry {Jst.Format(_cardExpiry)} to {Jst.Format(extended)}", plan.Text("[data-plan-code=month] [data-testid=preview]"));
        Assert.NotNull(plan.QuerySelector("[data-testid=legal-note]"));
        var checkout = await client.SubmitAsync(plan, "[data-testid=renew-form]", new Dictionary<string, string>
        {
            ["Input.PlanVersionId"] = (await payments.PlanVersionIdAsync("month")).ToString(),
        });
        Assert.StartsWith(payments.Emulator.BaseUrl + "/checkout/", checkout.Headers.Location!.ToString());

        using var stripe = new CheckoutPageBrowser();
        var paid = await stripe.PayByCardAsync(checkout.Headers.Location!.ToString(), "4242 4242 4242 4242", email: "walkin@example.com");
        var successUrl = paid.Headers.Location!.ToString();
        Assert.StartsWith(payments.PortalUrl + "/orders/", successUrl);
        Assert.Contains("access=", successUrl);

        var orderPage = await payments.NewClient().GetDocumentAsync(successUrl); // no cookies: the link is the key
        Assert.Equal($"Paid. SIM {CardIccid} is now valid until {Jst.Format(extended)}.", orderPage.Text("[data-testid=new-expiry]"));
        Assert.Contains("walkin@example.com", orderPage.Text("[data-testid=receipt]"));
        await using var db = payments.Database.NewContext();
        var order = await db.Orders.AsNoTracking().SingleAsync();
        Assert.Equal((null, "walkin@example.com", "card", OrderState.Fulfilled), (order.UserId, order.Email, order.PaymentMethod, order.State));
        var confirmation = await db.OutgoingEmails.AsNoTracking().SingleAsync(e => e.Kind == EmailKind.OrderConfirmation);
        Assert.Equal((order.Id, "walkin@example.com"), (confirmation.OrderId!.Value, confirmation.Recipient));

        // The link opens that order only, and nothing without it.
        var bare = successUrl[..successUrl.IndexOf("&session_id", StringComparison.Ordinal)];
        Assert.Equal(HttpStatusCode.OK, (await payments.NewClient().GetAsync(bare)).StatusCode);
        Assert.True((await payments.NewClient().GetAsync($"/orders/{order.Id}")).IsRedirect());
        Assert.Equal(HttpStatusCode.NotFound, (await payments.NewClient().GetAsync(bare.Replace(order.Id.ToString(), Guid.NewGuid().ToString(), StringComparison.Ordinal))).StatusCode);
    }

    [Fact]
    public async Task A_wrong_pin_an_unknown_iccid_and_an_esim_read_the_same_and_give_no_ticket()
    {
        var client = payments.NewClient();

        var answers = new[]
        {
            await ProvePhysicalAsync(client, CardIccid, "0000"),
            await ProvePhysicalAsync(client, Iccid.FromBody("898110000000000999").Value, CardPin),
            await ProvePhysicalAsync(client, EsimIccid, CardPin),
        };

        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal([NotAccepted], (await HtmlForms.ParseAsync(answer)).Errors());
        }
        var plan = await client.GetAsync("/quick-renew/plan");
        Assert.True(plan.IsRedirect());
        Assert.Equal("/quick-renew", plan.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_esim_holder_gets_a_code_at_the_purchase_email_and_with_it_the_plans()
    {
        var client = payments.NewClient();

        var sent = await HtmlForms.ParseAsync(await SendCodeAsync(client, EsimIccid, "Buyer@Example.com"));
        var email = Assert.Single(await CodeEmailsAsync());
        var verified = await client.SubmitAsync(sent, "[data-testid=code-form]", new Dictionary<string, string> { ["Input.Code"] = email.Secret! });

        Assert.Equal((PurchaseEmail, "en"), (email.Recipient, email.Culture));
        Assert.True(verified.IsRedirect());
        var plan = await client.GetDocumentAsync("/quick-renew/plan");
        Assert.Equal(EsimIccid, plan.Text("[data-testid=iccid]"));
        Assert.NotNull(plan.QuerySelector("[data-plan-code=week-esim]"));
        Assert.Null(plan.QuerySelector("[data-plan-code=physical]"));
        Assert.Contains("The receipt goes to the email this eSIM was bought with.", plan.Body!.TextContent);
    }

    [Fact]
    public async Task A_wrong_email_or_an_unknown_iccid_answers_exactly_like_a_match_and_sends_nothing()
    {
        var client = payments.NewClient();

        var wrongEmail = await HtmlForms.ParseAsync(await SendCodeAsync(client, EsimIccid, "someone@example.com"));
        var unknown = await HtmlForms.ParseAsync(await SendCodeAsync(client, Iccid.FromBody("898120000000000999").Value, "someone@example.com"));
        var physical = await HtmlForms.ParseAsync(await SendCodeAsync(client, CardIccid, "someone@example.com"));

        var expected = "If this ICCID and email belong to an eSIM bought here, we have sent a 6-digit code to someone@example.com; it is valid for 10 minutes. Check your inbox (and spam folder).";
        Assert.All(new[] { wrongEmail, unknown, physical }, page => Assert.Equal(expected, page.Text("[data-testid=code-sent]")));
        Assert.Empty(await CodeEmailsAsync());
        // Whatever is typed, such a request never unlocks anything.
        var guess = await client.SubmitAsync(wrongEmail, "[data-testid=code-form]", new Dictionary<string, string> { ["Input.Code"] = "123456" });
        Assert.Contains("That code is not right. Use the code from the latest email.", (await HtmlForms.ParseAsync(guess)).Errors());
    }

    [Fact]
    public async Task Five_wrong_codes_spend_the_code_and_the_right_one_then_no_longer_works()
    {
        var client = payments.NewClient();
        var page = await HtmlForms.ParseAsync(await SendCodeAsync(client, EsimIccid, PurchaseEmail));
        var code = (await CodeEmailsAsync()).Single().Secret!;
        var wrong = code == "000000" ? "111111" : "000000";
        var answers = new List<AngleSharp.Html.Dom.IHtmlDocument>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await HtmlForms.ParseAsync(await client.SubmitAsync(page, "[data-testid=code-form]", new Dictionary<string, string> { ["Input.Code"] = wrong })));
        }

        var spent = await HtmlForms.ParseAsync(await client.SubmitAsync(page, "[data-testid=code-form]", new Dictionary<string, string> { ["Input.Code"] = code }));

        Assert.All(answers[..4], a => Assert.Contains("That code is not right. Use the code from the latest email.", a.Errors()));
        Assert.Contains("This code has expired, was used, or was tried too many times. Please ask for a new one.", answers[4].Errors());
        Assert.Contains("This code has expired, was used, or was tried too many times. Please ask for a new one.", spent.Errors());
        Assert.NotNull(spent.QuerySelector("[data-testid=esim-form]"));
        Assert.True((await client.GetAsync("/quick-renew/plan")).IsRedirect());
    }

    [Fact]
    public async Task Ten_wrong_pins_lock_the_sim_at_quick_renewal_and_at_adding_it_even_for_the_right_pin()
    {
        // From ten addresses: the SIM's own counter is what locks, not the address's.
        for (var pin = 1000; pin < 1010; pin++)
        {
            var wrong = await ProvePhysicalAsync(ClientFrom($"198.51.100.{pin - 990}"), CardIccid, pin.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal([NotAccepted], (await HtmlForms.ParseAsync(wrong)).Errors());
        }
        var lockedUntil = payments.Portal.Clock.GetUtcNow().AddDays(1);

        var client = payments.NewClient();
        var rightPin = await ProvePhysicalAsync(client, CardIccid, CardPin);
        var (traveller, _) = await payments.SignUpAsync("holder@example.com");
        var adding = await traveller.SubmitAsync(await traveller.GetDocumentAsync("/sims/add"), "[data-testid=add-sim-form]", new Dictionary<string, string>
        {
            ["Input.Iccid"] = CardIccid,
            ["Input.Pin"] = CardPin,
        });

        Assert.Equal(HttpStatusCode.TooManyRequests, rightPin.StatusCode);
        Assert.Equal([Locked(lockedUntil)], (await HtmlForms.ParseAsync(rightPin)).Errors());
        Assert.True((await client.GetAsync("/quick-renew/plan")).IsRedirect()); // no ticket
        Assert.Equal(HttpStatusCode.TooManyRequests, adding.StatusCode); // one counter per SIM, wherever the PIN is typed
        Assert.Contains((await HtmlForms.ParseAsync(adding)).Errors(), e => e.StartsWith("Too many wrong attempts: adding this SIM is locked until", StringComparison.Ordinal));
        await using var db = payments.Database.NewContext();
        Assert.Null((await db.Sims.AsNoTracking().SingleAsync(s => s.Iccid == CardIccid)).OwnerId);
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "sim-pin.attempts-locked"));
    }

    [Fact]
    public async Task Asking_for_codes_for_one_esim_again_and_again_locks_it_and_sends_no_more_emails()
    {
        for (var i = 0; i < 10; i++)
        {
            var sent = await HtmlForms.ParseAsync(await SendCodeAsync(ClientFrom($"198.51.100.{i + 1}"), EsimIccid, PurchaseEmail));
            Assert.NotNull(sent.QuerySelector("[data-testid=code-form]"));
        }
        var lockedUntil = payments.Portal.Clock.GetUtcNow().AddDays(1);

        var refused = await SendCodeAsync(ClientFrom("192.0.2.50"), EsimIccid, PurchaseEmail);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var page = await HtmlForms.ParseAsync(refused);
        Assert.Equal([Locked(lockedUntil)], page.Errors());
        Assert.Null(page.QuerySelector("[data-testid=code-form]"));
        Assert.Equal(10, (await CodeEmailsAsync()).Count);
        await using var db = payments.Database.NewContext();
        Assert.Equal(10, await db.OneTimeCodes.CountAsync());
    }

    [Fact]
    public async Task Many_failures_from_one_address_ask_it_for_a_challenge_and_a_solved_one_goes_through()
    {
        const string hotel = "203.0.113.90";
        for (var i = 0; i < 20; i++)
        {
            var failed = await ProvePhysicalAsync(ClientFrom(hotel), Iccid.FromBody($"8981100000000{i + 10:00000}").Value, "1111");
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            Assert.Contains(NotAccepted, (await HtmlForms.ParseAsync(failed)).Errors());
        }

        var form = await ClientFrom(hotel).GetDocumentAsync("/quick-renew");
        var unproven = await ProvePhysicalAsync(ClientFrom(hotel), CardIccid, CardPin);
        var elsewhere = await ProvePhysicalAsync(ClientFrom("198.51.100.9"), CardIccid, "0000");
        var challenge = form.QuerySelector("[data-testid=physical-form] [data-testid=challenge]")!;
        var solution = Challenges.Solve(new ProofOfWorkChallenge(
            challenge.GetAttribute("data-salt")!, challenge.GetAttribute("data-hash")!,
            int.Parse(challenge.GetAttribute("data-max")!, System.Globalization.CultureInfo.InvariantCulture), challenge.GetAttribute("data-signature")!));
        var person = ClientFrom(hotel);
        var proven = await ProvePhysicalAsync(person, CardIccid, CardPin, solution);
        var replayed = await ProvePhysicalAsync(ClientFrom(hotel), CardIccid, CardPin, solution);

        Assert.Null(form.QuerySelector("[data-testid=esim-form] [data-testid=challenge]")); // PIN failures hold back PIN attempts only
        Assert.Equal(HttpStatusCode.TooManyRequests, unproven.StatusCode);
        Assert.Contains("Many wrong attempts have come from your network.", string.Join(" ", (await HtmlForms.ParseAsync(unproven)).Errors()), StringComparison.Ordinal);
        Assert.Equal([NotAccepted], (await HtmlForms.ParseAsync(elsewhere)).Errors()); // another address is not held back
        Assert.True(proven.IsRedirect(), $"the solved challenge answered {(int)proven.StatusCode}");
        Assert.Equal("/quick-renew/plan", proven.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync("/quick-renew/plan")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, replayed.StatusCode); // a solution works once
    }
}
