using System.Net;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Throttling;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Sims;

/// <summary>
/// <c>/sims/add</c> from a brand-new account: a physical SIM is added with its ICCID and card PIN;
/// every wrong answer reads the same, guessing is limited per account, per SIM and per address.
/// </summary>
public sealed class SimLinkingTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private const string NotAccepted = "This ICCID and PIN do not match a SIM that can be added. Check both numbers on the card; if it still does not work, please contact support.";
    private static readonly string CardIccid = Iccid.FromBody("898110000000000777").Value;
    private const string CardPin = "4821";

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        await using var db = portal.Database.NewContext();
        db.Sims.Add(Sim.RegisterPhysical(Iccid.Parse(CardIccid), SimPin.Hash(CardPin), TestData.Epoch));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Task<HttpResponseMessage> AddAsync(HttpClient client, string iccid, string pin) =>
        client.GetDocumentAsync("/sims/add").ContinueWith(page => client.SubmitAsync(page.Result, "[data-testid=add-sim-form]", new Dictionary<string, string>
        {
            ["Input.Iccid"] = iccid,
            ["Input.Pin"] = pin,
        })).Unwrap();

    private async Task<Sim> CardAsync()
    {
        await using var db = portal.Database.NewContext();
        return await db.Sims.AsNoTracking().SingleAsync(s => s.Iccid == CardIccid);
    }

    [Fact]
    public async Task A_new_traveller_is_offered_to_add_their_sim_and_adds_it_with_the_pin_on_the_card()
    {
        var (client, userId) = await portal.Factory.SignUpAsync("new@example.com");
        var empty = await client.GetDocumentAsync("/sims");
        Assert.Equal("/sims/add", empty.QuerySelector("[data-testid=no-sims] [data-testid=add-sim]")!.GetAttribute("href"));
        Assert.NotNull(empty.QuerySelector("[data-testid=no-sims] [data-testid=buy-esim]"));

        // Typed the way a phone keyboard in Japan may type it: full-width digits, spaces.
        var fullWidth = string.Concat(CardIccid.Select(c => (char)(c - '0' + '０'))).Insert(4, " ").Insert(9, " ");
        var response = await AddAsync(client, fullWidth, "４８２１");

        Assert.True(response.IsRedirect());
        var sim = await CardAsync();
        Assert.Equal(userId, sim.OwnerId);
        Assert.Equal(portal.Factory.Clock.GetUtcNow(), sim.OwnedSince);
        Assert.Equal($"/sims/{sim.Id}", response.Headers.Location!.OriginalString);
        var detail = await client.GetDocumentAsync(response.Headers.Location!.OriginalString);
        Assert.Equal(CardIccid, detail.Text("[data-testid=iccid]"));
        Assert.Contains(CardIccid, (await client.GetDocumentAsync("/sims")).Text("[data-testid=sim-list]"));
    }

    [Theory]
    [InlineData("8981100000000007771", "1234", "The last (check) digit of this ICCID does not match: a digit is probably mistyped. Please check it again.")]
    [InlineData("1981100000000007770", "1234", "An ICCID starts with 89; please check the number on the card.")]
    [InlineData("89811000000", "1234", "An ICCID has 19 or 20 digits; please check how many you typed.")]
    [InlineData("89811ABC00000007770", "1234", "An ICCID has only digits (spaces and hyphens are fine).")]
    [InlineData("", "1234", "Enter the ICCID.")]
    [InlineData("SIM", "", "Enter the PIN printed on the card.")]
    [InlineData("SIM", "12", "The PIN is 4 to 8 digits.")]
    [InlineData("SIM", "12ab", "The PIN is 4 to 8 digits.")]
    public async Task Malformed_input_gets_its_own_message_and_is_never_looked_up(string iccid, string pin, string message)
    {
        var (client, _) = await portal.Factory.SignUpAsync("typo@example.com");

        var response = await AddAsync(client, iccid == "SIM" ? CardIccid : iccid, pin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, (await HtmlForms.ParseAsync(response)).Errors());
        Assert.Null((await CardAsync()).OwnerId);
        await using var db = portal.Database.NewContext();
        Assert.False(await db.AttemptCounters.AnyAsync());
    }

    [Fact]
    public async Task A_wrong_pin_an_unknown_iccid_an_esim_and_a_sim_on_another_account_all_read_the_same()
    {
        var (owner, ownerId) = await portal.Factory.SignUpAsync("owner@example.com");
        Assert.True((await AddAsync(owner, CardIccid, CardPin)).IsRedirect());
        var otherCard = Iccid.FromBody("898110000000000778").Value;
        var esim = Iccid.FromBody("898110000000000779").Value;
        await using (var db = portal.Database.NewContext())
        {
            db.Sims.Add(Sim.RegisterPhysical(Iccid.Parse(otherCard), SimPin.Hash("9999"), TestData.Epoch));
            db.Sims.Add(Sim.IssueEsim(Iccid.Parse(esim), "LPA:1$smdp.example$X", "e@example.com", null, TestData.Epoch));
            await db.SaveChangesAsync();
        }
        var (thief, _) = await portal.Factory.SignUpAsync("thief@example.com");

        var answers = new[]
        {
            await AddAsync(thief, CardIccid, CardPin),                                  // right PIN, but someone else's SIM
            await AddAsync(thief, otherCard, "1111"),                                   // wrong PIN
            await AddAsync(thief, Iccid.FromBody("898110000000000999").Value, "1111"), // no such SIM
            await AddAsync(thief, esim, "1111"),                                        // an eSIM has no PIN
        };

        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal([NotAccepted], (await HtmlForms.ParseAsync(answer)).Errors());
        }
        await using var check = portal.Database.NewContext();
        Assert.Equal(ownerId, (await CardAsync()).OwnerId);
        Assert.Equal(1, await check.Sims.CountAsync(s => s.OwnerId != null));
        Assert.Equal(4, (await check.AttemptCounters.SingleAsync(c => c.Key.StartsWith("sim-pin/account:"))).Failures);
    }

    [Fact]
    public async Task Guessing_pins_locks_the_account_and_the_sim_even_for_the_right_pin_until_the_lock_ends()
    {
        var (guesser, _) = await portal.Factory.SignUpAsync("guesser@example.com");
        for (var pin = 1000; pin < 1010; pin++)
        {
            Assert.Equal(HttpStatusCode.OK, (await AddAsync(guesser, CardIccid, pin.ToString(System.Globalization.CultureInfo.InvariantCulture))).StatusCode);
        }

        var lockedAccount = await AddAsync(guesser, CardIccid, CardPin);
        var (owner, ownerId) = await portal.Factory.SignUpAsync("realowner@example.com");
        var lockedSim = await AddAsync(owner, CardIccid, CardPin);

        Assert.Equal(HttpStatusCode.TooManyRequests, lockedAccount.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, lockedSim.StatusCode);
        Assert.Contains((await HtmlForms.ParseAsync(lockedSim)).Errors(), e => e.StartsWith("Too many wrong attempts: adding this SIM is locked until 2026-12-02", StringComparison.Ordinal));
        Assert.Null((await CardAsync()).OwnerId);
        await using (var db = portal.Database.NewContext())
        {
            Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "sim-pin.attempts-locked"));
        }

        portal.Factory.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.True((await AddAsync(owner, CardIccid, CardPin)).IsRedirect());
        Assert.Equal(ownerId, (await CardAsync()).OwnerId);
    }

    [Fact]
    public async Task Many_failures_from_one_address_ask_it_for_a_challenge_but_lock_no_one_out()
    {
        const string hotel = "203.0.113.80";
        var guessers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            guessers.Add((await portal.Factory.SignUpAsync($"guest{i}@example.com")).UserId);
        }
        for (var i = 0; i < 20; i++)
        {
            var failed = await LinkAsync(new SimClaim(guessers[i % 3], Iccid.FromBody($"8981100000000{i + 10:00000}").Value, "1111", hotel, null));
            Assert.Equal(LinkStatus.NotAccepted, failed.Status);
        }
        var (_, travellerId) = await portal.Factory.SignUpAsync("traveller@example.com");

        var unproven = await LinkAsync(new SimClaim(travellerId, CardIccid, CardPin, hotel, null));
        var elsewhere = await LinkAsync(new SimClaim(travellerId, CardIccid, "0000", "198.51.100.9", null));
        var solution = await SolvedChallengeAsync(hotel);
        var proven = await LinkAsync(new SimClaim(travellerId, CardIccid, CardPin, hotel, solution));
        var replayed = await LinkAsync(new SimClaim(guessers[0], CardIccid, CardPin, hotel, solution));

        Assert.Equal(LinkStatus.ChallengeRequired, unproven.Status);
        Assert.Equal(LinkStatus.NotAccepted, elsewhere.Status); // another address is not held back at all
        Assert.Equal(LinkStatus.Linked, proven.Status);
        Assert.Equal(LinkStatus.ChallengeRequired, replayed.Status); // a solution works once
        Assert.Equal(travellerId, (await CardAsync()).OwnerId);
    }

    [Fact]
    public async Task Ten_accounts_adding_the_same_sim_at_once_with_its_pin_give_it_to_exactly_one()
    {
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add((await portal.Factory.SignUpAsync($"racer{i}@example.com")).UserId);
        }
        using var barrier = new Barrier(ids.Count);

        var results = await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            return await LinkAsync(new SimClaim(id, CardIccid, CardPin, null, null));
        })));

        Assert.Single(results, r => r.Status == LinkStatus.Linked);
        Assert.All(results.Where(r => r.Status != LinkStatus.Linked), r => Assert.Equal(LinkStatus.NotAccepted, r.Status));
        Assert.Contains((await CardAsync()).OwnerId, ids);
    }

    private async Task<LinkResult> LinkAsync(SimClaim claim)
    {
        await using var scope = portal.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SimService>().LinkPhysicalAsync(claim);
    }

    private async Task<string> SolvedChallengeAsync(string ip)
    {
        await using var scope = portal.Factory.Services.CreateAsyncScope();
        var challenge = await scope.ServiceProvider.GetRequiredService<AttemptLimiter>().ChallengeForAsync(AttemptPurposes.SimPin, ip)
            ?? throw new InvalidOperationException("The address is not held back.");
        return Challenges.Solve(challenge);
    }
}
