using System.Net;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Throttling;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Vouchers;

/// <summary>
/// Brute-force defence across instances: failed attempts on two portal hosts over one database add up,
/// the limit answers 429 with a localised message on either host, and every lockout is audited.
/// </summary>
public sealed class VoucherRateLimitTests(TwoPortalsFixture portals) : IClassFixture<TwoPortalsFixture>, IAsyncLifetime
{
    private const string LockedEn = "Too many failed attempts: locked for a while. Please try again after";
    private readonly VoucherScenario _scenario = new(portals.A);
    private ApplicationUser _traveller = null!;
    private ApplicationUser _staff = null!;
    private Sim _sim = null!;
    private IReadOnlyList<VoucherCode> _codes = [];

    public async Task InitializeAsync()
    {
        await portals.Database.ResetAsync();
        _traveller = await _scenario.UserAsync("mei@example.com", Roles.Traveller);
        _staff = await _scenario.UserAsync("desk@example.com", Roles.Staff);
        var plan = await _scenario.PlanAsync("jp-7d", 7, SimKinds.Both);
        _sim = await _scenario.SimAsync(_traveller.Id, SimKind.Physical, plan);
        (_, _codes) = await _scenario.BatchAsync(plan, _staff.Id, count: 2, expiresAt: _scenario.Now.AddYears(2));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Failures_on_two_instances_add_up_to_the_limit_and_lock_the_account_on_both()
    {
        var onA = await portals.A.SignedInClientAsync("mei@example.com");
        var onB = await portals.B.SignedInClientAsync("mei@example.com", "ja");
        for (var i = 0; i < 5; i++)
        {
            Assert.Contains("No voucher has this code.", (await HtmlForms.ParseAsync(await onA.FindAsync(VoucherCode.Generate().ToString()))).Errors());
            var b = await onB.FindAsync(VoucherCode.Generate().ToString());
            Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        }

        var lockedOnA = await onA.FindAsync(_codes[0].ToString()); // a valid code, but the account is locked
        var lockedOnB = await onB.FindAsync(_codes[0].ToString());

        Assert.Equal(HttpStatusCode.TooManyRequests, lockedOnA.StatusCode);
        Assert.Contains((await HtmlForms.ParseAsync(lockedOnA)).Errors(), e => e.StartsWith(LockedEn, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.TooManyRequests, lockedOnB.StatusCode);
        Assert.Contains((await HtmlForms.ParseAsync(lockedOnB)).Errors(), e => e.StartsWith("失敗が続いたため一時的にロックしました。", StringComparison.Ordinal));
        Assert.NotNull(lockedOnA.Headers.RetryAfter);
        // Locked means locked: the confirm step with the valid code redeems nothing either.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await onB.PostConfirmAsync(_codes[0].ToString(), _sim.Id)).StatusCode);
        Assert.Equal(_sim.ExpiresAt, (await _scenario.ReloadSimAsync(_sim.Id)).ExpiresAt);

        await using var db = portals.Database.NewContext();
        var lockout = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "voucher.attempts-locked" && a.EntityId == AttemptSubject.Account(_traveller.Id).KeyFor(AttemptPurposes.Voucher));
        Assert.Equal(_traveller.Id, lockout.ActorId);
        Assert.False(await db.VoucherRedemptions.AnyAsync());
    }

    [Fact]
    public async Task The_lock_ends_after_its_time_and_the_code_then_redeems()
    {
        var onA = await portals.A.SignedInClientAsync("mei@example.com");
        for (var i = 0; i < 10; i++)
        {
            await onA.FindAsync(VoucherCode.Generate().ToString());
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await onA.FindAsync(_codes[1].ToString())).StatusCode);

        portals.A.Clock.Advance(TimeSpan.FromMinutes(16));
        portals.B.Clock.Advance(TimeSpan.FromMinutes(16));
        var onB = await portals.B.SignedInClientAsync("mei@example.com");
        var preview = await onB.PreviewAsync(_codes[1].ToString(), _sim.Id);

        Assert.True((await onB.SubmitAsync(preview, "[data-testid=redeem-confirm-form]", new Dictionary<string, string>())).IsRedirect());
    }

    [Fact]
    public async Task Typos_caught_by_the_check_symbol_never_count()
    {
        var onA = await portals.A.SignedInClientAsync("mei@example.com");
        var code = _codes[0].ToString();
        var typo = (code[0] == 'A' ? 'B' : 'A') + code[1..];
        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await onA.FindAsync(typo)).StatusCode);
        }

        var offer = await onA.FindAsync(code);

        Assert.Equal(HttpStatusCode.OK, offer.StatusCode);
        Assert.NotNull((await HtmlForms.ParseAsync(offer)).QuerySelector("[data-testid=redeem-sim-form]"));
        await using var db = portals.Database.NewContext();
        Assert.False(await db.AttemptCounters.AnyAsync());
    }

    [Fact]
    public async Task A_staff_member_guessing_codes_in_the_look_up_is_locked_out_of_redeeming_too()
    {
        var onA = await portals.A.SignedInClientAsync("desk@example.com");
        var onB = await portals.B.SignedInClientAsync("desk@example.com");
        for (var i = 0; i < 5; i++)
        {
            Assert.Contains("No voucher has this serial number or code.", (await HtmlForms.ParseAsync(await onA.LookUpAsync(VoucherCode.Generate().ToString()))).Errors());
            await onB.StaffPreviewAsync(VoucherCode.Generate().ToString(), _sim.Iccid);
        }

        var redeem = await onA.StaffPreviewAsync(_codes[0].ToString(), _sim.Iccid);
        var lookUp = await onB.LookUpAsync(_codes[0].ToString());
        var bySerial = await onB.LookUpAsync("000100000"); // serials are public: looking one up is never limited

        Assert.Equal(HttpStatusCode.TooManyRequests, redeem.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, lookUp.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, bySerial.StatusCode);
        await using var db = portals.Database.NewContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "voucher.attempts-locked" && a.EntityId == AttemptSubject.Staff(_staff.Id).KeyFor(AttemptPurposes.Voucher)));
    }

    [Fact]
    public async Task Failures_from_one_address_ask_it_for_a_challenge_but_never_lock_the_people_behind_it()
    {
        var others = new List<ApplicationUser>();
        for (var i = 0; i < 3; i++)
        {
            others.Add(await _scenario.UserAsync($"guest{i}@example.com", Roles.Traveller));
        }
        const string ip = "203.0.113.50";
        for (var i = 0; i < 20; i++)
        {
            var user = others[i % 2]; // two accounts, ten failures each: neither account is locked before the last
            var failed = await _scenario.WithRedemptionsAsync(s => s.FindAsync(VoucherCode.Generate().ToString(), VoucherScenario.Traveller(user, ip)));
            Assert.Equal(VoucherRefusal.UnknownCode, failed.Failure!.Reason);
        }

        var unproven = await _scenario.WithRedemptionsAsync(s => s.FindAsync(_codes[0].ToString(), VoucherScenario.Traveller(_traveller, ip)));
        var solution = Challenges.Solve((await _scenario.WithLimiterAsync(l => l.ChallengeForAsync(AttemptPurposes.Voucher, ip)))!);
        var proven = await _scenario.WithRedemptionsAsync(s => s.FindAsync(_codes[0].ToString(), VoucherScenario.Traveller(_traveller, ip) with { Challenge = solution }));
        var replayed = await _scenario.WithRedemptionsAsync(s => s.FindAsync(_codes[0].ToString(), VoucherScenario.Traveller(others[2], ip) with { Challenge = solution }));

        Assert.Equal(VoucherRefusal.ChallengeRequired, unproven.Failure!.Reason);
        Assert.Null(unproven.Failure.LockedUntil);
        Assert.True(proven.Succeeded); // a person behind the same address gets through with a solved challenge
        Assert.Equal(VoucherRefusal.ChallengeRequired, replayed.Failure!.Reason); // a solution works once
        await using var db = portals.Database.NewContext();
        var entry = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "voucher.attempts-locked" && a.EntityId!.Contains("address"));
        Assert.Equal((AttemptSubject.Address(ip).KeyFor(AttemptPurposes.Voucher), ip), (entry.EntityId, entry.Ip));
    }
}
