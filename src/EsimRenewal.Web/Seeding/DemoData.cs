using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Vouchers;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Seeding;

/// <summary>
/// Start-up seeding: roles, the configured admin, and (when asked) the demo catalogue and accounts.
/// Idempotent, and serialised across instances by an advisory lock.
/// </summary>
public sealed class DemoData(
    EsimDbContext db,
    UserManager<ApplicationUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<SeedOptions> options,
    TimeProvider clock,
    VoucherBatchService vouchers,
    ILogger<DemoData> logger)
{
    public const string TravellerEmail = "traveller@example.com";
    public const string TravellerPassword = "Travel-demo-2026";
    public const string StaffEmail = "staff@example.com";
    public const string StaffPassword = "Staff-demo-2026";

    /// <summary>The demo admin's password, as appsettings.Development.json and docker-compose.yml give it in Seed:AdminPassword.</summary>
    public const string AdminPassword = "Admin-demo-2026";

    /// <summary>The demo admin (appsettings.Development.json's Seed:AdminEmail), enrolled in two-factor sign-in with the key below.</summary>
    public const string AdminEmail = "admin@example.com";

    /// <summary>
    /// DEMO ONLY, public in this repository: the demo admin's authenticator key (base32, 160 bits), so a
    /// demo can reach the actions that need two-factor sign-in. ./run.sh prints it and
    /// scripts/demo-totp.py turns it into the current code; add it to any authenticator app. Seeded only
    /// with Seed:DemoData (never outside Development). See docs/decisions/0020.
    /// </summary>
    public const string AdminAuthenticatorKey = "DEMOADMINKEYDEMOADMINKEYDEMOADMI";

    public static readonly string PhysicalIccid = Iccid.FromBody("898110000000000001").Value;
    public static readonly string EsimIccid = Iccid.FromBody("898110000000000002").Value;
    public const string PhysicalPin = "1234";

    /// <summary>A physical SIM on no account: a new account adds it at /sims/add with its PIN.</summary>
    public static readonly string UnlinkedIccid = Iccid.FromBody("898110000000000003").Value;
    public const string UnlinkedPin = "5678";

    /// <summary>An eSIM bought without an account: renewed at /quick-renew with its purchase email and a code.</summary>
    public static readonly string GuestEsimIccid = Iccid.FromBody("898110000000000004").Value;
    public const string GuestEsimEmail = "guest@example.com";
    private const long SeedLockKey = 0x45_53_49_4D_53_45_45_44; // "ESIMSEED"

    public async Task SeedAsync(CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SeedLockKey})", ct);

        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
        var seed = options.Value;
        if (!string.IsNullOrWhiteSpace(seed.AdminEmail))
        {
            await EnsureUserAsync(seed.AdminEmail, seed.AdminPassword!, Roles.Admin);
        }
        if (seed.DemoData)
        {
            await SeedCatalogueAsync(ct);
            var traveller = await EnsureUserAsync(TravellerEmail, TravellerPassword, Roles.Traveller);
            var staff = await EnsureUserAsync(StaffEmail, StaffPassword, Roles.Staff);
            await SeedSimsAsync(traveller, ct);
            await vouchers.SeedDemoBatchAsync(new Core.Auditing.Actor(staff.Id, "demo seed", null), ct);
            await EnrolDemoAdminAsync();
        }
        await transaction.CommitAsync(ct);
        if (seed.DemoData && !string.IsNullOrWhiteSpace(seed.DemoVoucherFile))
        {
            await WriteDemoVoucherFileAsync(seed.DemoVoucherFile, ct);
        }
        if (seed.DemoData && !string.IsNullOrWhiteSpace(seed.DemoSimFile))
        {
            await WriteDemoSimFileAsync(seed.DemoSimFile, ct);
        }
    }

    /// <summary>
    /// Writes a few demo voucher codes that are still redeemable to a file for ./run.sh to print. The demo
    /// codes come from a public seed (<see cref="DemoVouchers"/>), so this reveals nothing secret.
    /// </summary>
    private async Task WriteDemoVoucherFileAsync(string path, CancellationToken ct)
    {
        var codes = await vouchers.StillRedeemableAsync(DemoVouchers.Codes, ct);
        var lines = codes.Take(5).Select(c => $"{Voucher.FormatSerial(c.Serial)}  {c.Code}");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllLinesAsync(path, lines, ct);
    }

    /// <summary>The demo SIMs a stranger can use, for ./run.sh to print (unless someone has taken the card meanwhile).</summary>
    private async Task WriteDemoSimFileAsync(string path, CancellationToken ct)
    {
        var cardFree = await db.Sims.AnyAsync(s => s.Iccid == UnlinkedIccid && s.OwnerId == null, ct);
        string[] lines =
        [
            cardFree ? $"physical SIM to add at /sims/add or renew at /quick-renew:  ICCID {UnlinkedIccid}  PIN {UnlinkedPin}" : "(the demo physical SIM is already on an account)",
            $"eSIM to renew at /quick-renew (code goes to the mail inbox):  ICCID {GuestEsimIccid}  email {GuestEsimEmail}",
        ];
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllLinesAsync(path, lines, ct);
    }

    /// <summary>The demo admin signs in with the demo authenticator key (staff@example.com is not enrolled: it is asked to enrol).</summary>
    private async Task EnrolDemoAdminAsync()
    {
        if (await users.FindByNameAsync(AdminEmail) is not { } admin || admin.TwoFactorEnabled)
        {
            return;
        }
        await users.SetAuthenticationTokenAsync(admin, "[AspNetUserStore]", "AuthenticatorKey", AdminAuthenticatorKey);
        await users.SetTwoFactorEnabledAsync(admin, true);
        logger.LogInformation("Demo admin {UserId} enrolled in two-factor sign-in with the public demo key", admin.Id);
    }

    private async Task<ApplicationUser> EnsureUserAsync(string email, string password, string role)
    {
        var identifier = SignInIdentifier.TryParse(email, out var parsed) ? parsed.Value : email;
        var user = await users.FindByNameAsync(identifier);
        if (user is null)
        {
            user = new ApplicationUser
            {
                UserName = identifier,
                Email = identifier,
                EmailConfirmed = true,
                PreferredCulture = "zh-Hans",
                CreatedAt = clock.GetUtcNow(),
            };
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException("Seeding a " + role + " account failed: " + string.Join("; ", created.Errors.Select(e => e.Code)));
            }
            logger.LogInformation("Seeded account {UserId} with role {Role}", user.Id, role);
        }
        if (!await users.IsInRoleAsync(user, role))
        {
            await users.AddToRoleAsync(user, role);
        }
        return user;
    }

    private async Task SeedCatalogueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var existing = await db.Plans.Select(p => p.Code).ToListAsync(ct);
        var order = 0;
        foreach (var (code, days, dataGb, capGb, price, kinds) in Catalogue)
        {
            order += 10;
            if (existing.Contains(code))
            {
                continue;
            }
            var terms = new PlanTerms(new Yen(price), dataGb is null ? null : dataGb * 1024, capGb is null ? null : capGb * 1024, days, kinds);
            db.Plans.Add(Plan.Create(code, Name(days, dataGb), Description(dataGb, capGb, kinds), terms, order, now));
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task SeedSimsAsync(ApplicationUser traveller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (!await db.Sims.AnyAsync(s => s.Iccid == PhysicalIccid, ct))
        {
            var month = await CurrentVersionAsync("jp-30d-30gb", ct);
            var physical = Sim.RegisterPhysical(Iccid.Parse(PhysicalIccid), SimPin.Hash(PhysicalPin), now);
            physical.AssignTo(traveller.Id, now.AddDays(-25));
            physical.ApplyRenewal(month, now.AddDays(-25)); // still valid for about five days
            db.Sims.Add(physical);
        }
        if (!await db.Sims.AnyAsync(s => s.Iccid == EsimIccid, ct))
        {
            var week = await CurrentVersionAsync("jp-7d-10gb", ct);
            var esim = Sim.IssueEsim(Iccid.Parse(EsimIccid), "LPA:1$smdp.example$DEMO-" + EsimIccid[^6..], TravellerEmail, traveller.Id, now.AddDays(-10));
            esim.ApplyRenewal(week, now.AddDays(-10)); // expired a few days ago
            db.Sims.Add(esim);
        }
        if (!await db.Sims.AnyAsync(s => s.Iccid == UnlinkedIccid, ct))
        {
            var card = Sim.RegisterPhysical(Iccid.Parse(UnlinkedIccid), SimPin.Hash(UnlinkedPin), now);
            card.ApplyRenewal(await CurrentVersionAsync("jp-7d-10gb", ct), now.AddDays(-2)); // sold with a week, five days left
            db.Sims.Add(card);
        }
        if (!await db.Sims.AnyAsync(s => s.Iccid == GuestEsimIccid, ct))
        {
            var esim = Sim.IssueEsim(Iccid.Parse(GuestEsimIccid), "LPA:1$smdp.example$DEMO-" + GuestEsimIccid[^6..], GuestEsimEmail, null, now.AddDays(-5));
            esim.ApplyRenewal(await CurrentVersionAsync("jp-7d-10gb", ct), now.AddDays(-5)); // two days left
            db.Sims.Add(esim);
        }
        await db.SaveChangesAsync(ct);
    }

    private Task<PlanVersion> CurrentVersionAsync(string code, CancellationToken ct) =>
        db.PlanVersions.Where(PlanVersion.OnSaleAt(clock.GetUtcNow())).SingleAsync(v => v.Plan.Code == code, ct);

    /// <summary>A dozen realistic Japan plans: code, days, data GB (null = unlimited), daily cap GB, price ¥, SIM kinds.</summary>
    private static readonly (string Code, int Days, long? DataGb, int? CapGb, long Price, SimKinds Kinds)[] Catalogue =
    [
        ("jp-1d-unlimited", 1, null, 2, 800, SimKinds.Both),
        ("jp-3d-3gb", 3, 3, null, 980, SimKinds.Both),
        ("jp-5d-5gb", 5, 5, null, 1480, SimKinds.Esim),
        ("jp-7d-10gb", 7, 10, null, 1980, SimKinds.Both),
        ("jp-7d-unlimited", 7, null, 3, 2980, SimKinds.Both),
        ("jp-10d-15gb", 10, 15, null, 2480, SimKinds.Esim),
        ("jp-15d-20gb", 15, 20, null, 3280, SimKinds.Both),
        ("jp-30d-30gb", 30, 30, null, 3980, SimKinds.Both),
        ("jp-30d-50gb", 30, 50, null, 5480, SimKinds.Physical),
        ("jp-30d-unlimited", 30, null, 5, 6980, SimKinds.Both),
        ("jp-60d-60gb", 60, 60, null, 7980, SimKinds.Both),
        ("jp-90d-100gb", 90, 100, null, 9800, SimKinds.Physical),
        ("jp-90d-unlimited", 90, null, 5, 16800, SimKinds.Esim),
    ];

    private static LocalizedText Name(int days, long? dataGb)
    {
        var data = dataGb is null ? null : $"{dataGb}GB";
        return new LocalizedText(
            ZhHans: $"日本 {days}天 {data ?? "无限流量"}",
            Ja: $"日本 {days}日間 {data ?? "無制限"}",
            En: $"Japan {days} {(days == 1 ? "day" : "days")} {data ?? "unlimited"}");
    }

    private static LocalizedText Description(long? dataGb, int? capGb, SimKinds kinds)
    {
        var network = "docomo / SoftBank 4G LTE · 5G";
        if (dataGb is null)
        {
            return new LocalizedText(
                $"{network}。不限流量，每日高速 {capGb}GB，超出后限速至 1Mbps。",
                $"{network}。データ無制限、1日 {capGb}GB まで高速、超過後は 1Mbps。",
                $"{network}. Unlimited data, {capGb} GB a day at full speed, then 1 Mbps.");
        }
        return new LocalizedText(
            $"{network}。共 {dataGb}GB 高速流量，可续费叠加。",
            $"{network}。高速データ {dataGb}GB、更新で追加できます。",
            $"{network}. {dataGb} GB of high-speed data; renewals add more.");
    }
}
