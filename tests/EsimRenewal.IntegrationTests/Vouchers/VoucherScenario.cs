using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Throttling;
using EsimRenewal.Core.Vouchers;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>
/// Rows and services for voucher tests (shared with the browser tests): accounts, plans, SIMs, and
/// batches whose codes the test knows.
/// </summary>
public sealed class VoucherScenario(PortalFactory portal)
{
    public const string Password = "correct horse battery";
    private static int _iccidCounter;

    public DateTimeOffset Now => portal.Clock.GetUtcNow();

    public async Task<ApplicationUser> UserAsync(string email, string role)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, PreferredCulture = "en", CreatedAt = Now };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Code)));
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return user;
    }

    /// <summary>
    /// An admin with two-factor sign-in on, as every admin who generates voucher codes, refunds or manages
    /// accounts must be; the sign-in helpers answer its second step with the key's current code.
    /// </summary>
    public async Task<ApplicationUser> AdminWithTwoFactorAsync(string email)
    {
        var admin = await UserAsync(email, Roles.Admin);
        await portal.EnrolAsync(admin.Id);
        return admin;
    }

    /// <summary>An active plan; returns its current version's id.</summary>
    public async Task<Guid> PlanAsync(string code, int days, SimKinds kinds, long price = 1980)
    {
        await using var db = portal.Database.NewContext();
        var plan = TestData.Plan(code, days, price, kinds);
        db.Plans.Add(plan);
        await db.SaveChangesAsync();
        return plan.Versions.Single().Id;
    }

    /// <summary>A physical SIM (or eSIM) on the owner's account; with a plan, renewed two days ago (so still valid).</summary>
    public async Task<Sim> SimAsync(string? ownerId, SimKind kind = SimKind.Physical, Guid? activePlanVersionId = null)
    {
        var number = Interlocked.Increment(ref _iccidCounter) + Random.Shared.Next(1_000_000) * 100;
        var iccid = Iccid.FromBody("89811" + number.ToString("0000000000000", System.Globalization.CultureInfo.InvariantCulture));
        var now = Now;
        var sim = kind == SimKind.Physical
            ? Sim.RegisterPhysical(iccid, SimPin.Hash("1234"), now)
            : Sim.IssueEsim(iccid, "LPA:1$smdp.example$TEST-" + number, "esim@example.com", ownerId, now);
        if (ownerId is not null && kind == SimKind.Physical)
        {
            sim.AssignTo(ownerId, now);
        }
        await using var db = portal.Database.NewContext();
        if (activePlanVersionId is { } planId)
        {
            sim.ApplyRenewal(await db.PlanVersions.SingleAsync(v => v.Id == planId), now.AddDays(-2));
        }
        db.Sims.Add(sim);
        await db.SaveChangesAsync();
        return sim;
    }

    public async Task<Sim> ReloadSimAsync(Guid simId)
    {
        await using var db = portal.Database.NewContext();
        return await db.Sims.AsNoTracking().SingleAsync(s => s.Id == simId);
    }

    /// <summary>A complete batch of <paramref name="count"/> fresh codes, activated unless told otherwise.</summary>
    public async Task<(Guid BatchId, IReadOnlyList<VoucherCode> Codes)> BatchAsync(
        Guid planVersionId, string creatorId, int count = 3, bool activate = true, DateTimeOffset? expiresAt = null, string channel = SalesChannels.Lawson)
    {
        var codes = Enumerable.Range(0, count).Select(_ => VoucherCode.Generate()).ToList();
        var id = await WithBatchesAsync(s => s.SeedAsync(planVersionId, channel, expiresAt ?? Now.AddDays(180), codes, activate, new Actor(creatorId, "test", null)));
        return (id, codes);
    }

    public async Task<T> WithBatchesAsync<T>(Func<VoucherBatchService, Task<T>> use)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<VoucherBatchService>());
    }

    public Task<T> WithRedemptionsAsync<T>(Func<VoucherRedemptionService, Task<T>> use) => WithAsync(use);

    public Task<T> WithLimiterAsync<T>(Func<AttemptLimiter, Task<T>> use) => WithAsync(use);

    private async Task<T> WithAsync<TService, T>(Func<TService, Task<T>> use)
        where TService : notnull
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>
    /// A redemption service over a context of the test's own (its own connection), wired like the
    /// portal's: the portal's key, limits, clock and logging (so the log capture sees it).
    /// </summary>
    public VoucherRedemptionService RedemptionService(EsimDbContext db)
    {
        var services = portal.Services;
        var clock = services.GetRequiredService<TimeProvider>();
        var logs = services.GetRequiredService<ILoggerFactory>();
        var limiter = new AttemptLimiter(db, services.GetRequiredService<IOptions<AttemptLimitOptions>>(), services.GetRequiredService<ProofOfWork>(),
            clock, logs.CreateLogger<AttemptLimiter>());
        return new VoucherRedemptionService(db, services.GetRequiredService<VoucherCodeHasher>(), limiter, clock, logs.CreateLogger<VoucherRedemptionService>());
    }

    public static Redeemer Traveller(ApplicationUser user, string? ip = null) => new(RedemptionChannel.Traveller, user.Id, user.UserName, ip, "en");

    public static Redeemer Staff(ApplicationUser user, string? ip = null) => new(RedemptionChannel.Staff, user.Id, user.UserName, ip, "en");
}
