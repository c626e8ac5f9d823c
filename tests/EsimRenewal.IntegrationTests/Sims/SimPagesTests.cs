using System.Net;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.Web.Orders;
using EsimRenewal.Web.Sims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Sims;

/// <summary>
/// <c>/sims/{id}</c> with its history and an eSIM's activation QR, and ownership across every page
/// that names a SIM or an order by id: another traveller gets 404, lists show only one's own.
/// </summary>
public sealed class SimPagesTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private HttpClient _owner = null!;
    private HttpClient _other = null!;
    private Sim _physical = null!;
    private Sim _esim = null!;
    private Order _paid = null!;
    private Order _voucher = null!;
    private Order _esimOrder = null!;
    private Order _pending = null!;
    private DateTimeOffset Now => portal.Factory.Clock.GetUtcNow();

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        (_owner, var ownerId) = await portal.Factory.SignUpAsync("owner@example.com");
        (_other, _) = await portal.Factory.SignUpAsync("other@example.com");
        await using var db = portal.Database.NewContext();
        var month = TestData.Plan("month", 30, 3980, SimKinds.Both);
        var week = TestData.Plan("week", 7, 1500, SimKinds.Both);
        db.Plans.AddRange(month, week);
        _physical = Sim.RegisterPhysical(Iccid.FromBody("898110000000000501"), SimPin.Hash("1234"), TestData.Epoch);
        _physical.AssignTo(ownerId, Now.AddDays(-20));
        _paid = TestOrders.FulfilledRenewal(_physical, month.Versions.Single(), ownerId, "owner@example.com", Now.AddDays(-10));
        _voucher = Order.ForVoucher(_physical, week.Versions.Single(), _physical.ApplyRenewal(week.Versions.Single(), Now.AddDays(-1)), ownerId, "owner@example.com", "en", "voucher:x", Now.AddDays(-1));
        (_esimOrder, _esim) = TestOrders.FulfilledNewEsim(week.Versions.Single(), ownerId, "owner@example.com", "898120000000000502", Now.AddDays(-2));
        _pending = Order.ForRenewal(_physical, month.Versions.Single(), ownerId, "owner@example.com", "en", "pending", Now);
        db.Sims.AddRange(_physical, _esim);
        db.Orders.AddRange(_paid, _voucher, _esimOrder, _pending);
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_owner_sees_validity_days_left_data_and_every_renewal_with_how_it_was_paid()
    {
        var page = await _owner.GetDocumentAsync($"/sims/{_physical.Id}");

        var expiry = _voucher.NewExpiresAt!.Value;
        Assert.Equal($"Physical SIM {_physical.Iccid}", page.Text("h1"));
        Assert.Equal(Jst.Format(expiry), page.Text("[data-testid=sim-expiry]"));
        Assert.Equal($"{Jst.DateOf(expiry).DayNumber - Jst.DateOf(Now).DayNumber} days left", page.Text("[data-testid=days-left]"));
        Assert.Equal("Japan 7 days", page.Text("[data-testid=sim-plan]"));
        var rows = page.QuerySelectorAll("[data-testid=renewal-history] tbody tr");
        Assert.Equal([_voucher.Id.ToString(), _paid.Id.ToString()], rows.Select(r => r.GetAttribute("data-order-id")!));
        Assert.Contains("Prepaid voucher", rows[0].TextContent);
        Assert.Contains("Paid online", rows[1].TextContent);
        Assert.Contains("¥3,980", rows[1].TextContent);
        Assert.DoesNotContain(_pending.Id.ToString(), page.Source.Text); // not paid: not a renewal
        Assert.Null(page.QuerySelector("[data-testid=esim-activation]"));
    }

    [Fact]
    public async Task An_esim_shows_its_activation_code_and_its_own_qr_code_never_cached()
    {
        var page = await _owner.GetAsync($"/sims/{_esim.Id}");
        var document = await HtmlForms.ParseAsync(page);
        var qr = await _owner.GetAsync($"/sims/{_esim.Id}?handler=qr");

        Assert.Equal($"eSIM {_esim.Iccid}", document.Text("h1"));
        Assert.Equal(_esim.ActivationCode, document.Text("[data-testid=activation-code]"));
        Assert.Equal($"/sims/{_esim.Id}?handler=qr", document.QuerySelector("[data-testid=activation-qr]")!.GetAttribute("src"));
        Assert.Contains("Settings > Cellular", document.Text("[data-testid=esim-activation]"));
        Assert.True(page.Headers.CacheControl!.NoStore);
        Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        Assert.Equal("image/svg+xml", qr.Content.Headers.ContentType!.MediaType);
        Assert.True(qr.Headers.CacheControl!.NoStore);
        Assert.Equal(ActivationQr.Svg(_esim.ActivationCode!), await qr.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _owner.GetAsync($"/sims/{_physical.Id}?handler=qr")).StatusCode);
    }

    [Fact]
    public async Task The_order_of_a_new_esim_shows_its_activation_to_its_owner()
    {
        var page = await _owner.GetDocumentAsync($"/orders/{_esimOrder.Id}");

        Assert.Equal(_esim.ActivationCode, page.Text("[data-testid=activation-code]"));
    }

    [Fact]
    public async Task Another_traveller_gets_404_on_every_page_that_names_someone_elses_sim_or_order()
    {
        var urls = new[]
        {
            $"/sims/{_physical.Id}", $"/sims/{_esim.Id}", $"/sims/{_esim.Id}?handler=qr", $"/sims/{_physical.Id}/renew",
            $"/orders/{_paid.Id}", $"/orders/{_esimOrder.Id}", $"/orders/{_pending.Id}",
        };
        foreach (var url in urls)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await _other.GetAsync(url)).StatusCode);
        }

        // Posts carry the other traveller's own valid antiforgery token: only ownership stops them.
        var token = (await _other.GetDocumentAsync("/sims/add")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var renew = await _other.PostAsync($"/sims/{_physical.Id}/renew", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Input.PlanVersionId"] = (await PlanVersionAsync("month")).ToString(),
            ["Input.RequestId"] = Guid.NewGuid().ToString(),
        }));
        var pay = await _other.PostAsync($"/orders/{_pending.Id}?handler=Pay", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        var cancel = await _other.PostAsync($"/orders/{_pending.Id}?handler=Cancel", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.NotFound, renew.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, pay.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        await using var db = portal.Database.NewContext();
        Assert.Equal(4, await db.Orders.CountAsync());
        Assert.Equal(OrderState.PendingPayment, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == _pending.Id)).State);

        // A signed link opens only an order placed without an account, and only the one it was made for.
        var links = portal.Factory.Services.GetRequiredService<OrderLinks>();
        var anonymous = portal.Factory.NewBrowser();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(links.PathTo(_paid.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/orders/{_paid.Id}?access={Uri.EscapeDataString(links.Token(_pending.Id))}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/orders/{_paid.Id}?access=forged")).StatusCode);
        Assert.True((await anonymous.GetAsync($"/orders/{_paid.Id}")).IsRedirect()); // no link: sign in first
    }

    /// <summary>
    /// Every handler of every /sims and /orders page that takes an id, found by reflection (so a handler added later
    /// is covered without being listed here): with the owner's SIM or order in the URL, another traveller gets 404.
    /// </summary>
    [Fact]
    public async Task Every_handler_of_the_sim_and_order_pages_answers_another_traveller_404_for_the_owners_id()
    {
        var handlers = PageHandlers.All(portal.Factory)
            .Where(h => (h.Page.StartsWith("/Sims/", StringComparison.Ordinal) || h.Page.StartsWith("/Orders/", StringComparison.Ordinal))
                && h.Template.Contains("{id", StringComparison.Ordinal))
            .ToList();
        Assert.Superset(
            new HashSet<string> { "GET /Sims/Details", "GET /Sims/Details?handler=Qr", "GET /Sims/Renew", "POST /Sims/Renew", "GET /Orders/Details", "POST /Orders/Details?handler=Pay", "POST /Orders/Details?handler=Cancel" },
            handlers.Select(h => h.ToString()).ToHashSet());
        var token = (await _other.GetDocumentAsync("/sims/add")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        foreach (var handler in handlers)
        {
            var id = (handler.Page.StartsWith("/Orders/", StringComparison.Ordinal) ? _pending.Id : _esim.Id).ToString();
            var url = handler.Url(_ => id);
            if (handler.Method == "GET")
            {
                Assert.Equal(HttpStatusCode.OK, (await _owner.GetAsync(url)).StatusCode); // the URL is right: its owner opens it
            }
            var response = handler.Method == "GET"
                ? await _other.GetAsync(url)
                : await _other.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{handler} answered another traveller {(int)response.StatusCode}");
        }
        await using var db = portal.Database.NewContext();
        Assert.Equal(4, await db.Orders.CountAsync());
        Assert.Equal(OrderState.PendingPayment, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == _pending.Id)).State);
    }

    [Fact]
    public async Task The_lists_show_only_ones_own_sims_and_orders()
    {
        var otherSims = await _other.GetDocumentAsync("/sims");
        var otherOrders = await _other.GetDocumentAsync("/orders");
        var ownSims = await _owner.GetDocumentAsync("/sims");
        var ownOrders = await _owner.GetDocumentAsync("/orders");

        Assert.NotNull(otherSims.QuerySelector("[data-testid=no-sims]"));
        Assert.DoesNotContain(_physical.Iccid, otherSims.Source.Text);
        Assert.Empty(otherOrders.QuerySelectorAll("[data-order-id]"));
        Assert.Equal(2, ownSims.QuerySelectorAll("[data-testid=sim-list] > li").Length);
        Assert.Equal(4, ownOrders.QuerySelectorAll("[data-order-id]").Length);
    }

    private async Task<Guid> PlanVersionAsync(string code)
    {
        await using var db = portal.Database.NewContext();
        return await db.PlanVersions.Where(v => v.Plan.Code == code).Select(v => v.Id).SingleAsync();
    }
}
