using EsimRenewal.Core.Common;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Reminders;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Vouchers;
using EsimRenewal.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Reminders;

/// <summary>
/// Expiry reminders with a fake clock, on two portal instances over one database: one at 3 days and
/// one at 1 day before (09:00 JST), never a second, none after a renewal moved the expiry, none
/// without an email address.
/// </summary>
public sealed class ReminderTests(TwoPortalsFixture portals) : IClassFixture<TwoPortalsFixture>, IAsyncLifetime
{
    // The shared clocks only move forward, so each test gets a SIM expiring 20 days after its start (JST).
    private DateOnly _expiryDate;
    private Plan _plan = null!;

    private DateTimeOffset Expiry => Jst.EndOfDay(_expiryDate);

    /// <summary>09:00 JST <paramref name="days"/> days before the expiry date.</summary>
    private DateTimeOffset NineAm(int days)
    {
        var local = _expiryDate.AddDays(-days).ToDateTime(new TimeOnly(9, 0));
        return new DateTimeOffset(local, TimeSpan.FromHours(9)).ToUniversalTime();
    }

    private DateTimeOffset ThreeDaysBefore => NineAm(3);

    private DateTimeOffset OneDayBefore => NineAm(1);

    public async Task InitializeAsync()
    {
        await portals.Database.ResetAsync();
        var start = new[] { portals.A.Clock.GetUtcNow(), portals.B.Clock.GetUtcNow() }.Max();
        SetClocks(start);
        _expiryDate = Jst.DateOf(start).AddDays(20);
        await using var db = portals.Database.NewContext();
        _plan = TestData.Plan("week", 7, 1500, SimKinds.Both);
        db.Plans.Add(_plan);
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private void SetClocks(DateTimeOffset now)
    {
        portals.A.Clock.SetUtcNow(now.ToUniversalTime());
        portals.B.Clock.SetUtcNow(now.ToUniversalTime());
    }

    /// <summary>A SIM valid until <see cref="Expiry"/> on an account with <paramref name="email"/> (or a phone number only).</summary>
    private async Task<Sim> SimOfAsync(string? email, string culture = "zh-Hans", string? phone = null)
    {
        await using var db = portals.Database.NewContext();
        var user = new ApplicationUser { UserName = email ?? phone, Email = email, PhoneNumber = phone, PreferredCulture = culture, CreatedAt = TestData.Epoch };
        db.Users.Add(user);
        var sim = Sim.RegisterPhysical(Iccid.FromBody("89811" + Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999)), SimPin.Hash("1234"), TestData.Epoch);
        sim.AssignTo(user.Id, TestData.Epoch);
        var version = await db.PlanVersions.SingleAsync(v => v.PlanId == _plan.Id);
        // Seven days that end on the expiry date (JST).
        sim.ApplyRenewal(version, Expiry.AddDays(-7).AddHours(-1));
        Assert.Equal(Expiry, sim.ExpiresAt);
        db.Sims.Add(sim);
        await db.SaveChangesAsync();
        return sim;
    }

    private static async Task<int> QueueAsync(PortalFactory portal)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReminderService>().QueueDueAsync();
    }

    private async Task<List<OutgoingEmail>> RemindersAsync()
    {
        await using var db = portals.Database.NewContext();
        return await db.OutgoingEmails.AsNoTracking().Where(e => e.Kind == EmailKind.ExpiryReminder).OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task One_reminder_three_days_before_and_one_a_day_before_however_often_the_job_runs()
    {
        var sim = await SimOfAsync("mei@example.com");

        SetClocks(ThreeDaysBefore.AddMinutes(-1));
        Assert.Equal(0, await QueueAsync(portals.A));
        SetClocks(ThreeDaysBefore);
        Assert.Equal(1, await QueueAsync(portals.A));
        Assert.Equal(0, await QueueAsync(portals.B));
        SetClocks(ThreeDaysBefore.AddHours(30));
        Assert.Equal(0, await QueueAsync(portals.A));
        SetClocks(OneDayBefore);
        Assert.Equal(1, await QueueAsync(portals.B));
        Assert.Equal(0, await QueueAsync(portals.A));
        SetClocks(Expiry.AddMinutes(1));
        Assert.Equal(0, await QueueAsync(portals.A));

        var reminders = await RemindersAsync();
        Assert.Equal([ReminderKind.ThreeDaysBefore, ReminderKind.OneDayBefore], reminders.Select(r => r.ReminderKind!.Value));
        Assert.All(reminders, r => Assert.Equal((sim.Id, Expiry, "mei@example.com", "zh-Hans"), (r.SimId!.Value, r.SimExpiresAt!.Value, r.Recipient, r.Culture)));
    }

    [Fact]
    public async Task Two_instances_running_the_job_at_once_queue_each_reminder_exactly_once()
    {
        var sims = new List<Sim>();
        for (var i = 0; i < 5; i++)
        {
            sims.Add(await SimOfAsync($"twin{i}@example.com"));
        }
        SetClocks(ThreeDaysBefore.AddMinutes(5));
        using var barrier = new Barrier(8);

        var queued = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            return await QueueAsync(i % 2 == 0 ? portals.A : portals.B);
        })));

        Assert.Equal(5, queued.Sum());
        var reminders = await RemindersAsync();
        Assert.Equal(sims.Select(s => s.Id).Order(), reminders.Select(r => r.SimId!.Value).Order());
        await using var db = portals.Database.NewContext();
        Assert.Equal(5, await db.ReminderLogs.CountAsync());
    }

    [Fact]
    public async Task A_renewal_moves_the_expiry_and_the_old_expirys_reminders_never_come()
    {
        var sim = await SimOfAsync("renewed@example.com");
        SetClocks(ThreeDaysBefore);
        Assert.Equal(1, await QueueAsync(portals.A));
        await using (var db = portals.Database.NewContext())
        {
            var tracked = await db.Sims.SingleAsync(s => s.Id == sim.Id);
            tracked.ApplyRenewal(await db.PlanVersions.SingleAsync(v => v.PlanId == _plan.Id), ThreeDaysBefore.AddHours(1));
            await db.SaveChangesAsync();
        }

        SetClocks(OneDayBefore);
        Assert.Equal(0, await QueueAsync(portals.A));
        Assert.Single(await RemindersAsync());
    }

    [Fact]
    public async Task A_reminder_queued_before_a_renewal_is_not_sent_after_it()
    {
        var sim = await SimOfAsync("late@example.com");
        SetClocks(ThreeDaysBefore);
        await QueueAsync(portals.A);
        var reminder = (await RemindersAsync()).Single();
        await using (var db = portals.Database.NewContext())
        {
            var tracked = await db.Sims.SingleAsync(s => s.Id == sim.Id);
            tracked.ApplyRenewal(await db.PlanVersions.SingleAsync(v => v.PlanId == _plan.Id), ThreeDaysBefore.AddMinutes(1));
            await db.SaveChangesAsync();
        }

        await using var scope = portals.A.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<EmailComposer>().ComposeAsync(reminder, default));
    }

    [Fact]
    public async Task The_reminder_is_written_in_the_owners_language_and_links_to_the_renewal_page()
    {
        var sim = await SimOfAsync("aiko@example.com", culture: "ja");
        SetClocks(OneDayBefore);
        await QueueAsync(portals.A);

        await using var scope = portals.A.Services.CreateAsyncScope();
        var message = await scope.ServiceProvider.GetRequiredService<EmailComposer>().ComposeAsync((await RemindersAsync()).Single(), default);

        Assert.Equal($"SIM …{sim.Iccid[^4..]} の有効期限は明日です", message!.Subject);
        Assert.Contains($"{PortalFactory.PublicBaseUrl}/sims/{sim.Id}/renew", message.TextBody);
        Assert.Contains(Jst.Format(Expiry), message.TextBody);
    }

    [Fact]
    public async Task Sims_without_an_owners_email_get_no_reminder()
    {
        await SimOfAsync(email: null, phone: "+819012345678");
        await using (var db = portals.Database.NewContext())
        {
            var version = await db.PlanVersions.SingleAsync(v => v.PlanId == _plan.Id);
            var unowned = Sim.RegisterPhysical(Iccid.FromBody("898110000000000901"), SimPin.Hash("1234"), TestData.Epoch);
            unowned.ApplyRenewal(version, Expiry.AddDays(-7).AddHours(-1));
            db.Sims.Add(unowned);
            await db.SaveChangesAsync();
        }
        SetClocks(OneDayBefore);

        Assert.Equal(0, await QueueAsync(portals.A));
        Assert.Empty(await RemindersAsync());
    }
}
