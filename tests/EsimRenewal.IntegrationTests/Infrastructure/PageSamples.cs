using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.Web.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>
/// One set of rows that gives every page of <see cref="PageCatalogue"/> something to show: a traveller
/// with SIMs (active, expiring soon, an eSIM with its QR code) and orders (paid, awaiting payment), a
/// SIM on no account for the quick renewal, a voucher batch with one code redeemed at the staff desk, a
/// staff member, an admin with two-factor sign-in and an open invitation. Seeded once per database (shared with the browser tests).
/// </summary>
public sealed record PageSamples(
    string PlanCode,
    Guid PlanId,
    Guid SimId,
    Guid EsimId,
    Guid OrderId,
    Guid BatchId,
    string StaffUserId,
    Guid SlipId,
    string InvitationPath,
    string GuestIccid,
    string GuestPin,
    string VoucherCode,
    string SimIccid)
{
    public const string TravellerEmail = "mei@example.com";
    public const string StaffEmail = "desk@example.com";
    public const string AdminEmail = "boss@example.com";
    public const string Password = VoucherScenario.Password;

    /// <summary>The account that sees pages of <paramref name="audience"/> (null: nobody signed in).</summary>
    public static string? AccountFor(Audience audience) => audience switch
    {
        Audience.Traveller => TravellerEmail,
        Audience.Staff => StaffEmail,
        Audience.Admin => AdminEmail,
        _ => null,
    };

    public static async Task<PageSamples> SeedAsync(PortalFactory portal)
    {
        var scenario = new VoucherScenario(portal);
        var now = scenario.Now;
        var admin = await scenario.AdminWithTwoFactorAsync(AdminEmail);
        var staff = await scenario.UserAsync(StaffEmail, Roles.Staff);
        var traveller = await scenario.UserAsync(TravellerEmail, Roles.Traveller);

        var week = TestData.Plan("jp-7d-10gb", 7, 1980, SimKinds.Both, sortOrder: 1);
        var month = TestData.Plan("jp-30d-unlimited", 30, 4980, SimKinds.Both, dataMb: null, sortOrder: 2);
        var esimOnly = TestData.Plan("jp-15d-esim", 15, 2980, SimKinds.Esim, dataMb: 20_480, sortOrder: 3);
        var weekVersion = week.Versions.Single();

        // The traveller's physical SIM, renewed two days ago (five days left), its receipt, and an order left unpaid.
        var sim = Sim.RegisterPhysical(Iccid.FromBody("898110000000007701"), SimPin.Hash("1234"), TestData.Epoch);
        sim.AssignTo(traveller.Id, TestData.Epoch);
        var paid = TestOrders.FulfilledRenewal(sim, weekVersion, traveller.Id, TravellerEmail, now.AddDays(-2));
        var unpaid = Order.ForRenewal(sim, month.Versions.Single(), traveller.Id, TravellerEmail, "en", "test:" + Guid.NewGuid().ToString("N"), now.AddHours(-1));
        // A second card that runs out tomorrow ("expiring soon").
        var spare = Sim.RegisterPhysical(Iccid.FromBody("898110000000007702"), SimPin.Hash("1234"), TestData.Epoch);
        spare.AssignTo(traveller.Id, TestData.Epoch);
        var spareOrder = TestOrders.FulfilledRenewal(spare, weekVersion, traveller.Id, TravellerEmail, now.AddDays(-6));
        // An eSIM bought on the account: its page shows the activation code and QR.
        var (esimOrder, esim) = TestOrders.FulfilledNewEsim(esimOnly.Versions.Single(), traveller.Id, TravellerEmail, "898120000000007703", now.AddDays(-1));
        // A printed card on no account, for /quick-renew.
        var guest = Sim.RegisterPhysical(Iccid.FromBody("898110000000007704"), SimPin.Hash("2468"), TestData.Epoch);
        guest.ApplyRenewal(weekVersion, now.AddDays(-3));
        await using (var db = portal.Database.NewContext())
        {
            db.AddRange(week, month, esimOnly, sim, spare, guest, esim, paid, unpaid, spareOrder, esimOrder);
            await db.SaveChangesAsync();
        }

        // A voucher batch; one of its codes redeemed at the staff desk (the slip), another left to redeem.
        var codes = Enumerable.Range(0, 3).Select(_ => EsimRenewal.Core.Vouchers.VoucherCode.Generate()).ToList();
        var batchId = await scenario.WithBatchesAsync(s => s.SeedAsync(weekVersion.Id, SalesChannels.Lawson, now.AddDays(180), codes, true, new Actor(admin.Id, AdminEmail, "192.0.2.1")));
        var redemption = await scenario.WithRedemptionsAsync(s => s.RedeemAsync(codes[0].ToString(), SimKey.ByIccid(Iccid.Parse(sim.Iccid)), VoucherScenario.Staff(staff, "192.0.2.10")));
        Assert.True(redemption.Succeeded, "The sample redemption failed.");

        // An invitation still open, as its email links to it.
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        Assert.True(SignInIdentifier.TryParse("new.desk@example.com", out var invited));
        var invitation = await users.InviteAsync(invited, Roles.Staff, "zh-Hans", new Actor(admin.Id, AdminEmail, "192.0.2.1"));
        var link = await users.InvitationLinkAsync(invitation.UserId!, invited.Value) ?? throw new InvalidOperationException("No invitation link.");

        return new PageSamples(
            week.Code, week.Id, sim.Id, esim.Id, paid.Id, batchId, staff.Id, redemption.Value.RedemptionId,
            new Uri(link.Url).PathAndQuery, guest.Iccid, "2468", codes[1].ToString(), sim.Iccid);
    }
}
