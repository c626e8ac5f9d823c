using System.Net;
using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Carrier;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Throttling;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Vouchers;

/// <summary>Redeeming through the real pages: the traveller's /redeem, the desk's /staff/redeem and /staff/vouchers.</summary>
public sealed class VoucherRedemptionPageTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private readonly VoucherScenario _scenario = new(portal.Factory);
    private ApplicationUser _traveller = null!;
    private ApplicationUser _staff = null!;
    private Guid _plan;
    private Sim _sim = null!;
    private IReadOnlyList<VoucherCode> _codes = [];

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        _traveller = await _scenario.UserAsync("mei@example.com", Roles.Traveller);
        _staff = await _scenario.UserAsync("desk@example.com", Roles.Staff);
        _plan = await _scenario.PlanAsync("jp-7d", 7, SimKinds.Both);
        _sim = await _scenario.SimAsync(_traveller.Id, SimKind.Physical, _plan);
        (_, _codes) = await _scenario.BatchAsync(_plan, _staff.Id, count: 4);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_traveller_redeems_a_code_onto_their_sim_after_seeing_the_new_expiry()
    {
        var client = await portal.Factory.SignedInClientAsync("mei@example.com");
        var expected = Jst.EndOfDay(_sim.ExpiresAt!.Value.AddDays(7));

        // Messy input as typed on a phone with a Japanese IME: full-width, lower case, spaces.
        var messy = ToFullWidth(_codes[0].ToString().ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal));
        var offer = await HtmlForms.ParseAsync(await client.FindAsync(messy));
        Assert.Equal("Japan 7 days", offer.Text("[data-testid=voucher-plan]"));
        Assert.Contains(_sim.Iccid, offer.Text("[data-testid=sim-option]"), StringComparison.Ordinal);

        var preview = await client.SubmitAsync(offer, "[data-testid=redeem-sim-form]", new Dictionary<string, string> { ["Input.SimId"] = _sim.Id.ToString() });
        var previewPage = await HtmlForms.ParseAsync(preview);
        Assert.Equal($"Extends from the current expiry {Jst.Format(_sim.ExpiresAt!.Value)} to {Jst.Format(expected)}.", previewPage.Text("[data-testid=renewal-preview]"));
        Assert.Equal(_sim.ExpiresAt, (await _scenario.ReloadSimAsync(_sim.Id)).ExpiresAt); // a preview changes nothing

        var confirmed = await client.SubmitAsync(previewPage, "[data-testid=redeem-confirm-form]", new Dictionary<string, string>());

        Assert.True(confirmed.IsRedirect());
        Assert.Equal("/sims", confirmed.Headers.Location!.OriginalString);
        var sims = await client.GetDocumentAsync("/sims");
        Assert.Equal($"Voucher redeemed: SIM …{_sim.Iccid[^4..]} is now valid until {Jst.Format(expected)}.", sims.Text(".status-message"));
        var sim = await _scenario.ReloadSimAsync(_sim.Id);
        Assert.Equal(expected, sim.ExpiresAt);
        Assert.Equal(_sim.RenewalCount + 1, sim.RenewalCount);

        await using var db = portal.Database.NewContext();
        var redemption = await db.VoucherRedemptions.AsNoTracking().SingleAsync();
        Assert.Equal(RedemptionChannel.Traveller, redemption.Channel);
        Assert.Equal(_traveller.Id, redemption.RedeemedById);
        var order = await db.Orders.AsNoTracking().SingleAsync();
        Assert.Equal((OrderKind.Voucher, OrderState.Fulfilled, 0L, _traveller.Id, _sim.Id), (order.Kind, order.State, order.Amount.Amount, order.UserId, order.SimId));
        Assert.Equal((_sim.ExpiresAt, expected), (order.PreviousExpiresAt, order.NewExpiresAt));
        Assert.Equal(redemption.OrderId, order.Id);
        var message = CarrierOutbox.ReadValidityChanged(await db.OutboxMessages.AsNoTracking().SingleAsync());
        Assert.Equal((redemption.Id.ToString(), _sim.Iccid, expected), (message.RequestId, message.Iccid, message.ExpiresAt));
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "voucher.redeemed");
        Assert.Equal((_traveller.Id, redemption.VoucherId.ToString()), (audit.ActorId, audit.EntityId));
        Assert.Equal(VoucherState.Redeemed, (await db.Vouchers.AsNoTracking().SingleAsync(v => v.Id == redemption.VoucherId)).State);
    }

    [Fact]
    public async Task A_double_submitted_confirmation_redeems_once_and_the_second_hears_when_and_how()
    {
        var client = await portal.Factory.SignedInClientAsync("mei@example.com");
        var preview = await client.PreviewAsync(_codes[1].ToString(), _sim.Id);

        // Two clicks of the same confirm button, in flight at the same time.
        using var barrier = new Barrier(2);
        var responses = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(async () =>
        {
            barrier.SignalAndWait();
            return await client.SubmitAsync(preview, "[data-testid=redeem-confirm-form]", new Dictionary<string, string>());
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()));
        var third = await client.SubmitAsync(preview, "[data-testid=redeem-confirm-form]", new Dictionary<string, string>());

        Assert.Single(responses, r => r.IsRedirect());
        var refused = responses.Single(r => !r.IsRedirect());
        await using var db = portal.Database.NewContext();
        var redemption = await db.VoucherRedemptions.AsNoTracking().SingleAsync();
        var message = $"This voucher was already redeemed on {Jst.Format(redemption.RedeemedAt)} (by the traveller online).";
        Assert.Contains(message, (await HtmlForms.ParseAsync(refused)).Errors());
        Assert.Contains(message, (await HtmlForms.ParseAsync(third)).Errors());
        Assert.Equal(1, await db.Orders.CountAsync());
        Assert.Equal(1, await db.OutboxMessages.CountAsync());
        Assert.Equal(_sim.RenewalCount + 1, (await _scenario.ReloadSimAsync(_sim.Id)).RenewalCount);
    }

    [Fact]
    public async Task A_confirmation_without_the_antiforgery_token_is_rejected_and_redeems_nothing()
    {
        var client = await portal.Factory.SignedInClientAsync("mei@example.com");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Code"] = _codes[0].ToString(),
            ["Input.SimId"] = _sim.Id.ToString(),
        });

        var response = await client.PostAsync("/redeem?handler=Confirm", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var db = portal.Database.NewContext();
        Assert.False(await db.VoucherRedemptions.AnyAsync());
    }

    [Fact]
    public async Task The_redeem_page_asks_a_visitor_to_sign_in()
    {
        var response = await portal.Factory.NewClient().GetAsync("/redeem");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Staff_redeem_a_code_for_a_customer_by_iccid_and_get_a_printable_slip()
    {
        var client = await portal.Factory.SignedInClientAsync("desk@example.com");
        var expected = Jst.EndOfDay(_sim.ExpiresAt!.Value.AddDays(7));
        var iccid = string.Join(' ', _sim.Iccid.Chunk(4).Select(c => new string(c))); // as read aloud from the card

        var preview = await HtmlForms.ParseAsync(await client.StaffPreviewAsync(_codes[2].ToString(), iccid));
        Assert.StartsWith("Japan 7 days · 7 days ·", preview.Text("[data-testid=preview-plan]"), StringComparison.Ordinal);
        Assert.Equal(Jst.Format(_sim.ExpiresAt!.Value), preview.Text("[data-testid=preview-current]"));
        Assert.Equal(Jst.Format(expected), preview.Text("[data-testid=preview-new]"));
        var confirmed = await client.SubmitAsync(preview, "[data-testid=staff-confirm-form]", new Dictionary<string, string>());

        Assert.True(confirmed.IsRedirect());
        Assert.StartsWith("/staff/redeem/slip/", confirmed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var slip = await client.GetDocumentAsync(confirmed.Headers.Location!.OriginalString);
        Assert.Equal(Jst.Format(expected), slip.Text("[data-testid=slip-new-expiry]"));
        Assert.Equal("…" + _sim.Iccid[^4..], slip.Text("[data-testid=slip-iccid]"));
        Assert.NotNull(slip.QuerySelector("[data-testid=print-slip]"));
        Assert.DoesNotContain(_codes[2].ToString(), slip.Source.Text, StringComparison.Ordinal); // the slip never repeats the code
        await using var db = portal.Database.NewContext();
        var redemption = await db.VoucherRedemptions.AsNoTracking().SingleAsync();
        Assert.Equal((RedemptionChannel.Staff, _staff.Id), (redemption.Channel, redemption.RedeemedById));
        var order = await db.Orders.AsNoTracking().SingleAsync();
        Assert.Equal(_traveller.Id, order.UserId); // in the customer's order history, not the desk's
        Assert.Equal(expected, (await _scenario.ReloadSimAsync(_sim.Id)).ExpiresAt);
    }

    [Fact]
    public async Task A_slip_opens_for_the_desk_that_redeemed_and_for_admins_but_not_for_another_desk()
    {
        await _scenario.UserAsync("counter2@example.com", Roles.Staff);
        await _scenario.UserAsync("boss@example.com", Roles.Admin); // seeing slips needs no two-factor sign-in
        var desk = await portal.Factory.SignedInClientAsync("desk@example.com");
        var preview = await HtmlForms.ParseAsync(await desk.StaffPreviewAsync(_codes[1].ToString(), _sim.Iccid));
        var slipUrl = (await desk.SubmitAsync(preview, "[data-testid=staff-confirm-form]", new Dictionary<string, string>())).Headers.Location!.OriginalString;
        var otherDesk = await portal.Factory.SignedInClientAsync("counter2@example.com");
        var admin = await portal.Factory.SignedInClientAsync("boss@example.com");

        var own = await desk.GetAsync(slipUrl);
        var foreign = await otherDesk.GetAsync(slipUrl);
        var byAdmin = await admin.GetAsync(slipUrl);
        var lookUp = await HtmlForms.ParseAsync(await otherDesk.LookUpAsync(_codes[1].ToString()));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.DoesNotContain("desk@example.com", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        Assert.Equal("desk@example.com", (await HtmlForms.ParseAsync(byAdmin)).QuerySelectorAll("[data-testid=slip] dd").Last().TextContent.Trim());
        Assert.Empty(lookUp.Errors()); // the other desk still looks the voucher up
        Assert.NotNull(lookUp.QuerySelector("[data-testid=voucher-details]"));
    }

    [Fact]
    public async Task Staff_see_already_redeemed_with_when_and_channel_on_a_second_attempt()
    {
        var client = await portal.Factory.SignedInClientAsync("desk@example.com");
        var preview = await HtmlForms.ParseAsync(await client.StaffPreviewAsync(_codes[3].ToString(), _sim.Iccid));
        Assert.True((await client.SubmitAsync(preview, "[data-testid=staff-confirm-form]", new Dictionary<string, string>())).IsRedirect());

        var again = await HtmlForms.ParseAsync(await client.StaffPreviewAsync(_codes[3].ToString(), _sim.Iccid));

        await using var db = portal.Database.NewContext();
        var redeemedAt = (await db.VoucherRedemptions.AsNoTracking().SingleAsync()).RedeemedAt;
        Assert.Contains($"This voucher was already redeemed on {Jst.Format(redeemedAt)} (at a partner or support desk).", again.Errors());
    }

    [Fact]
    public async Task An_invalid_iccid_is_refused_before_any_lookup_and_an_unknown_one_is_refused_after()
    {
        var client = await portal.Factory.SignedInClientAsync("desk@example.com");
        var bad = _sim.Iccid[..^1] + (char)('0' + ((_sim.Iccid[^1] - '0' + 1) % 10)); // wrong Luhn digit

        var invalid = await HtmlForms.ParseAsync(await client.StaffPreviewAsync(_codes[0].ToString(), bad));
        var unknown = await HtmlForms.ParseAsync(await client.StaffPreviewAsync(_codes[0].ToString(), Iccid.FromBody("898110999999999999").Value));

        Assert.Contains("That is not a valid ICCID (19 or 20 digits starting with 89, with a valid check digit).", invalid.Errors());
        Assert.Contains("No SIM with this ICCID is registered.", unknown.Errors());
        await using var db = portal.Database.NewContext();
        // Only the unknown (well-formed) ICCID was looked up, so only it counts as a failed attempt.
        Assert.Equal(1, (await db.AttemptCounters.AsNoTracking().SingleAsync(c => c.Key == AttemptSubject.Staff(_staff.Id).KeyFor(AttemptPurposes.Voucher))).Failures);
        Assert.False(await db.VoucherRedemptions.AnyAsync());
    }

    [Fact]
    public async Task Staff_look_a_voucher_up_by_serial_or_code_and_see_where_it_went()
    {
        var desk = await portal.Factory.SignedInClientAsync("desk@example.com");
        var receipt = await _scenario.WithRedemptionsAsync(s => s.RedeemAsync(_codes[0].ToString(), SimKey.Owned(_sim.Id), VoucherScenario.Traveller(_traveller)));
        Assert.True(receipt.Succeeded);

        var bySerial = await HtmlForms.ParseAsync(await desk.LookUpAsync(Voucher.FormatSerial(receipt.Value.Serial)));
        var byCode = await HtmlForms.ParseAsync(await desk.LookUpAsync(_codes[0].ToString().ToLowerInvariant()));
        var unused = await HtmlForms.ParseAsync(await desk.LookUpAsync(_codes[1].ToString()));

        foreach (var page in new[] { bySerial, byCode })
        {
            Assert.Equal(Voucher.FormatSerial(receipt.Value.Serial), page.Text("[data-testid=details-serial]"));
            Assert.Equal("Redeemed", page.Text("[data-testid=details-state]"));
            Assert.Equal("…" + _sim.Iccid[^4..], page.Text("[data-testid=details-redeemed-onto]"));
            Assert.EndsWith("by the traveller online", page.Text("[data-testid=details-redeemed-at]"), StringComparison.Ordinal);
            Assert.StartsWith((receipt.Value.Serial / VoucherBatch.SerialBlock).ToString(System.Globalization.CultureInfo.InvariantCulture) + " · Lawson", page.Text("[data-testid=details-batch]"), StringComparison.Ordinal);
        }
        Assert.Equal("Active", unused.Text("[data-testid=details-state]"));
        Assert.Null(unused.QuerySelector("[data-testid=details-redeemed-onto]"));
    }

    [Fact]
    public async Task Travellers_cannot_open_the_staff_pages()
    {
        var client = await portal.Factory.SignedInClientAsync("mei@example.com");

        foreach (var url in new[] { "/staff/redeem", "/staff/vouchers", "/admin/vouchers" })
        {
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/access-denied", response.Headers.Location!.PathAndQuery, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Every_redemption_is_audited_with_who_and_from_where_but_never_the_code()
    {
        await _scenario.WithRedemptionsAsync(s => s.RedeemAsync(_codes[0].ToString(), SimKey.ByIccid(Iccid.Parse(_sim.Iccid)), VoucherScenario.Staff(_staff, "203.0.113.9")));

        await using var db = portal.Database.NewContext();
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "voucher.redeemed");
        Assert.Equal((_staff.Id, "desk@example.com", "203.0.113.9"), (audit.ActorId, audit.ActorName, audit.Ip));
        Assert.DoesNotContain(_codes[0].ToCanonicalString(), audit.Before + audit.After, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"state\":\"Redeemed\"", audit.After!.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static string ToFullWidth(string text) =>
        new(text.Select(c => c is >= '!' and <= '~' ? (char)(c - '!' + '！') : c == ' ' ? '　' : c).ToArray());
}
