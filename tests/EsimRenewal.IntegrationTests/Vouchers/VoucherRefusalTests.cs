using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Vouchers;

/// <summary>
/// Every reason to refuse a voucher has its own message, in the visitor's language, and a refused
/// attempt changes nothing: not the SIM, not the voucher, no order, no redemption, no carrier message.
/// </summary>
public sealed class VoucherRefusalTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private readonly VoucherScenario _scenario = new(portal.Factory);
    private ApplicationUser _traveller = null!;
    private ApplicationUser _staff = null!;
    private Guid _plan;
    private Sim _sim = null!;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        _traveller = await _scenario.UserAsync("mei@example.com", Roles.Traveller);
        _staff = await _scenario.UserAsync("desk@example.com", Roles.Staff);
        _plan = await _scenario.PlanAsync("jp-7d", 7, SimKinds.Both);
        _sim = await _scenario.SimAsync(_traveller.Id, SimKind.Physical, _plan);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_voucher_of_a_batch_not_yet_activated_is_refused_as_not_yet_active()
    {
        var (_, codes) = await _scenario.BatchAsync(_plan, _staff.Id, activate: false);

        await AssertTravellerRefusedAsync(codes[0].ToString(), "This voucher has not been activated yet. Please try again later or ask the store where you bought it.");
        await AssertVoucherStateAsync(codes[0], VoucherState.Issued);
    }

    [Fact]
    public async Task A_voided_voucher_is_refused_as_void()
    {
        var (_, codes) = await _scenario.BatchAsync(_plan, _staff.Id);
        var serial = await SerialOfAsync(codes[0]);
        Assert.True((await _scenario.WithBatchesAsync(s => s.VoidVoucherAsync(serial, Core.Auditing.Actor.System))).Succeeded);

        await AssertTravellerRefusedAsync(codes[0].ToString(), "This voucher has been voided and cannot be used.");
        await AssertVoucherStateAsync(codes[0], VoucherState.Void);
        await AssertVoucherStateAsync(codes[1], VoucherState.Active); // voiding one leaves the others
    }

    [Fact]
    public async Task Every_voucher_of_a_voided_batch_is_refused_as_void()
    {
        var (batch, codes) = await _scenario.BatchAsync(_plan, _staff.Id);
        Assert.True((await _scenario.WithBatchesAsync(s => s.VoidAsync(batch, Core.Auditing.Actor.System))).Succeeded);

        await AssertTravellerRefusedAsync(codes[2].ToString(), "This voucher has been voided and cannot be used.");
    }

    [Fact]
    public async Task A_voucher_past_its_expiry_is_refused_as_expired()
    {
        var (_, codes) = await _scenario.BatchAsync(_plan, _staff.Id, expiresAt: _scenario.Now.AddDays(3));
        portal.Factory.Clock.Advance(TimeSpan.FromDays(4));

        await AssertTravellerRefusedAsync(codes[0].ToString(), "This voucher has expired.");
        await AssertStaffRefusedAsync(codes[0].ToString(), _sim.Iccid, "This voucher has expired.");
        await AssertVoucherStateAsync(codes[0], VoucherState.Active);
    }

    [Fact]
    public async Task A_voucher_whose_plan_does_not_fit_the_sim_is_refused_on_both_paths()
    {
        var esimOnly = await _scenario.PlanAsync("jp-5d-esim", 5, SimKinds.Esim);
        var (_, codes) = await _scenario.BatchAsync(esimOnly, _staff.Id);

        // The traveller is told none of their SIMs fits; the desk, that the plan does not fit this SIM.
        // Naming the SIM anyway (a tampered confirm step) is refused by the service, not just hidden by the page.
        await AssertTravellerRefusedAsync(codes[0].ToString(), "None of the SIMs on your account can use this voucher's plan. Please add a SIM first.",
            confirmMessage: "This voucher's plan does not fit this SIM.");
        await AssertStaffRefusedAsync(codes[0].ToString(), _sim.Iccid, "This voucher's plan does not fit this SIM.");
    }

    [Fact]
    public async Task A_sim_of_another_account_cannot_be_chosen_by_a_traveller()
    {
        var other = await _scenario.UserAsync("other@example.com", Roles.Traveller);
        var othersSim = await _scenario.SimAsync(other.Id, SimKind.Physical, _plan);
        var (_, codes) = await _scenario.BatchAsync(_plan, _staff.Id);
        var client = await portal.Factory.SignedInClientAsync("mei@example.com");
        var offer = await HtmlForms.ParseAsync(await client.FindAsync(codes[0].ToString()));

        var response = await client.SubmitAsync(offer, "[data-testid=redeem-sim-form]", new Dictionary<string, string> { ["Input.SimId"] = othersSim.Id.ToString() });

        Assert.Contains("This SIM is not on your account.", (await HtmlForms.ParseAsync(response)).Errors());
        Assert.Equal(othersSim.ExpiresAt, (await _scenario.ReloadSimAsync(othersSim.Id)).ExpiresAt);
        await AssertNothingChangedAsync();
    }

    [Theory]
    [InlineData("hello", "That is not a voucher code. A code has 17 letters and digits, like XXXX-XXXX-XXXX-XXXX-X.")]
    [InlineData("ABCD-EFGH-JKMN-PQRS-TVWX-Y", "That is not a voucher code. A code has 17 letters and digits, like XXXX-XXXX-XXXX-XXXX-X.")]
    [InlineData("", "Enter the voucher code.")]
    public async Task Input_that_is_not_a_code_is_refused_without_a_lookup(string input, string message)
    {
        await AssertTravellerRefusedAsync(input, message);
        await using var db = portal.Database.NewContext();
        Assert.False(await db.AttemptCounters.AnyAsync());
    }

    [Fact]
    public async Task A_typo_is_reported_as_a_typo_and_an_unknown_code_as_unknown()
    {
        var (_, codes) = await _scenario.BatchAsync(_plan, _staff.Id);
        var typo = WithTypo(codes[0]);
        var unknown = VoucherCode.Generate().ToString();

        await AssertTravellerRefusedAsync(typo, "The code seems to contain a typo. Please compare it with the card and check it again.");
        await AssertTravellerRefusedAsync(unknown, "No voucher has this code.");
        await AssertVoucherStateAsync(codes[0], VoucherState.Active);
    }

    [Fact]
    public async Task Refusals_are_in_the_visitors_language()
    {
        var (_, codes) = await _scenario.BatchAsync(_plan, _staff.Id, activate: false);
        var zh = await portal.Factory.SignedInClientAsync("mei@example.com", "zh-CN");
        var ja = await portal.Factory.SignedInClientAsync("mei@example.com", "ja");

        Assert.Contains("此兑换券尚未激活，请稍后再试或联系购买门店。", (await HtmlForms.ParseAsync(await zh.FindAsync(codes[0].ToString()))).Errors());
        Assert.Contains("コードに入力ミスがあるようです。カードと見比べてもう一度ご確認ください。", (await HtmlForms.ParseAsync(await ja.FindAsync(WithTypo(codes[0])))).Errors());
    }

    private async Task AssertTravellerRefusedAsync(string code, string message, string? confirmMessage = null)
    {
        var client = await portal.Factory.SignedInClientAsync("mei@example.com");
        var response = await client.FindAsync(code);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, (await HtmlForms.ParseAsync(response)).Errors());
        // The confirm step, posted directly with the same input (the form's token, no preview), refuses the same way.
        if (code.Length > 0)
        {
            var confirm = await client.PostConfirmAsync(code, _sim.Id);
            Assert.Contains(confirmMessage ?? message, (await HtmlForms.ParseAsync(confirm)).Errors());
        }
        await AssertNothingChangedAsync();
    }

    private async Task AssertStaffRefusedAsync(string code, string iccid, string message)
    {
        var client = await portal.Factory.SignedInClientAsync("desk@example.com");
        var response = await client.StaffPreviewAsync(code, iccid);
        Assert.Contains(message, (await HtmlForms.ParseAsync(response)).Errors());
        await AssertNothingChangedAsync();
    }

    private async Task AssertNothingChangedAsync()
    {
        var sim = await _scenario.ReloadSimAsync(_sim.Id);
        Assert.Equal((_sim.ExpiresAt, _sim.RenewalCount, _sim.DataLeftMb), (sim.ExpiresAt, sim.RenewalCount, sim.DataLeftMb));
        await using var db = portal.Database.NewContext();
        Assert.False(await db.Orders.AnyAsync());
        Assert.False(await db.VoucherRedemptions.AnyAsync());
        Assert.False(await db.OutboxMessages.AnyAsync());
        Assert.False(await db.Vouchers.AnyAsync(v => v.State == VoucherState.Redeemed));
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == "voucher.redeemed"));
    }

    private async Task AssertVoucherStateAsync(VoucherCode code, VoucherState state)
    {
        await using var db = portal.Database.NewContext();
        var hash = portal.Factory.Services.GetRequiredService<VoucherCodeHasher>().Hash(code);
        Assert.Equal(state, (await db.Vouchers.AsNoTracking().SingleAsync(v => v.CodeHash == hash)).State);
    }

    private async Task<long> SerialOfAsync(VoucherCode code)
    {
        await using var db = portal.Database.NewContext();
        var hash = portal.Factory.Services.GetRequiredService<VoucherCodeHasher>().Hash(code);
        return (await db.Vouchers.AsNoTracking().SingleAsync(v => v.CodeHash == hash)).Serial;
    }

    /// <summary>The code with its first symbol replaced: the check symbol catches it.</summary>
    private static string WithTypo(VoucherCode code)
    {
        var text = code.ToString();
        var replacement = text[0] == 'A' ? 'B' : 'A';
        return replacement + text[1..];
    }
}
