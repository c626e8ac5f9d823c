using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.Web.Seeding;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Seeding;

/// <summary>
/// <c>Seed:DemoSimFile</c>: what ./run.sh prints for a stranger: the demo card on no account (ICCID and PIN) and
/// the guest eSIM (ICCID and purchase email), written at each start from the database as it is then.
/// </summary>
public sealed class DemoSimFileTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private readonly string _folder = Directory.CreateTempSubdirectory("esim-demo-sims-").FullName;

    private string FilePath => Path.Combine(_folder, "demo", "sims.txt");

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private sealed class DemoPortalFactory(TestDatabase database, string demoSimFile) : PortalFactory(database)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            .. base.Settings(),
            new("Seed:DemoData", "true"),
            new("Seed:DemoSimFile", demoSimFile),
        ];
    }

    [Fact]
    public async Task The_file_names_the_free_card_with_its_pin_and_the_guest_esim_with_its_email_and_later_says_the_card_was_taken()
    {
        await using (var first = new DemoPortalFactory(_database, FilePath))
        {
            _ = first.Server; // seeds, then writes the file

            var lines = await File.ReadAllLinesAsync(FilePath);
            Assert.Equal(2, lines.Length);
            Assert.Contains($"ICCID {DemoData.UnlinkedIccid}  PIN {DemoData.UnlinkedPin}", lines[0]);
            Assert.Contains($"ICCID {DemoData.GuestEsimIccid}  email {DemoData.GuestEsimEmail}", lines[1]);

            // What the file says works: a brand-new account adds the card with it.
            var (client, userId) = await first.SignUpAsync("newcomer@example.com");
            var added = await client.SubmitAsync(await client.GetDocumentAsync("/sims/add"), "[data-testid=add-sim-form]", new Dictionary<string, string>
            {
                ["Input.Iccid"] = DemoData.UnlinkedIccid,
                ["Input.Pin"] = DemoData.UnlinkedPin,
            });
            Assert.True(added.IsRedirect());
            await using var db = _database.NewContext();
            Assert.Equal(userId, (await db.Sims.AsNoTracking().SingleAsync(s => s.Iccid == DemoData.UnlinkedIccid)).OwnerId);
            var guest = await db.Sims.AsNoTracking().SingleAsync(s => s.Iccid == DemoData.GuestEsimIccid);
            Assert.Equal((Core.Plans.SimKind.Esim, DemoData.GuestEsimEmail, (string?)null), (guest.Kind, guest.PurchaseEmail, guest.OwnerId));
        }

        await using (var second = new DemoPortalFactory(_database, FilePath))
        {
            _ = second.Server; // the next start writes the file again

            var lines = await File.ReadAllLinesAsync(FilePath);
            Assert.Equal("(the demo physical SIM is already on an account)", lines[0]);
            Assert.DoesNotContain(DemoData.UnlinkedPin, lines[0]);
            Assert.Contains($"ICCID {DemoData.GuestEsimIccid}  email {DemoData.GuestEsimEmail}", lines[1]);
        }
    }
}
