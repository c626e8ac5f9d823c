using System.Globalization;
using System.Net;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Vouchers;

/// <summary>The admin's side, through the real pages and the real background worker: generate, download once, activate, void, count.</summary>
public sealed class VoucherBatchTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private readonly VoucherScenario _scenario = new(portal.Factory);
    private ApplicationUser _admin = null!;
    private ApplicationUser _traveller = null!;
    private Guid _plan;
    private Sim _sim = null!;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        _admin = await _scenario.AdminWithTwoFactorAsync("admin@example.com");
        _traveller = await _scenario.UserAsync("mei@example.com", Roles.Traveller);
        _plan = await _scenario.PlanAsync("jp-7d", 7, SimKinds.Both);
        _sim = await _scenario.SimAsync(_traveller.Id, SimKind.Physical, _plan);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_admin_generates_a_batch_downloads_its_codes_once_activates_it_and_the_codes_redeem()
    {
        var admin = await portal.Factory.SignedInClientAsync("admin@example.com");
        var expiresOn = Jst.DateOf(_scenario.Now).AddDays(365);

        var created = await GenerateAsync(admin, 12_000, expiresOn);
        var batchId = Guid.Parse(created.Headers.Location!.OriginalString["/admin/vouchers/".Length..]);
        var batch = await WaitUntilGeneratedAsync(batchId);
        var details = await admin.GetDocumentAsync($"/admin/vouchers/{batchId}");
        Assert.Equal("12000", details.Text("[data-testid=counts] [data-count=issued]"));
        Assert.Null(details.QuerySelector("[data-testid=generation-progress]"));

        // The codes, once.
        var rows = await CodeSheetRow.ReadAsync(await admin.SubmitAsync(details, "[data-testid=download-form]", new Dictionary<string, string>()));
        var again = await admin.SubmitAsync(details, "[data-testid=download-form]", new Dictionary<string, string>());

        Assert.Equal(12_000, rows.Count);
        Assert.Equal(
            Enumerable.Range(0, 12_000).Select(i => Voucher.FormatSerial(batch.Number * VoucherBatch.SerialBlock + i)),
            rows.Select(r => r.Serial));
        Assert.Equal(12_000, rows.Select(r => r.ParsedCode.ToCanonicalString()).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(("jp-7d", Jst.Format(Jst.EndOfDay(expiresOn))), (r.Plan, r.Expiry)));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.NotEqual("text/csv", again.Content.Headers.ContentType?.MediaType);
        Assert.Contains("The codes of this batch were already downloaded and cannot be downloaded again.", (await HtmlForms.ParseAsync(again)).Errors());
        await using (var db = portal.Database.NewContext())
        {
            Assert.False(await db.Set<VoucherCodeExportChunk>().AnyAsync()); // the sealed codes are gone
            Assert.NotNull((await db.VoucherBatches.AsNoTracking().SingleAsync()).CodesReleasedAt);
        }
        details = await admin.GetDocumentAsync($"/admin/vouchers/{batchId}");
        Assert.NotNull(details.QuerySelector("[data-testid=codes-released]"));
        Assert.Null(details.QuerySelector("[data-testid=download-form]"));

        // Not redeemable before the batch ships; then activate.
        var early = await _scenario.WithRedemptionsAsync(s => s.FindAsync(rows[0].Code, VoucherScenario.Traveller(_traveller)));
        Assert.Equal(VoucherRefusal.NotYetActive, early.Failure!.Reason);
        Assert.True((await admin.SubmitAsync(details, "[data-testid=activate-form]", new Dictionary<string, string>())).IsRedirect());
        details = await admin.GetDocumentAsync($"/admin/vouchers/{batchId}");
        Assert.Equal(("0", "12000"), (details.Text("[data-count=issued]"), details.Text("[data-count=active]")));

        // Codes from the sheet redeem, through the traveller's page.
        var traveller = await portal.Factory.SignedInClientAsync("mei@example.com");
        var preview = await traveller.PreviewAsync(rows[0].Code, _sim.Id);
        Assert.True((await traveller.SubmitAsync(preview, "[data-testid=redeem-confirm-form]", new Dictionary<string, string>())).IsRedirect());
        var direct = await _scenario.WithRedemptionsAsync(s => s.RedeemAsync(rows[11_999].Code, SimKey.Owned(_sim.Id), VoucherScenario.Traveller(_traveller)));
        Assert.True(direct.Succeeded);

        // Void one voucher by its serial, then the batch.
        Assert.True((await admin.SubmitAsync(details, "[data-testid=void-voucher-form]", new Dictionary<string, string> { ["Input.Serial"] = rows[1].Serial })).IsRedirect());
        var voided = await _scenario.WithRedemptionsAsync(s => s.FindAsync(rows[1].Code, VoucherScenario.Traveller(_traveller)));
        Assert.Equal(VoucherRefusal.Void, voided.Failure!.Reason);
        var redeemedAlready = await admin.SubmitAsync(details, "[data-testid=void-voucher-form]", new Dictionary<string, string> { ["Input.Serial"] = rows[0].Serial });
        Assert.Equal(HttpStatusCode.Conflict, redeemedAlready.StatusCode);
        Assert.Contains("This voucher was already redeemed and cannot be voided.", (await HtmlForms.ParseAsync(redeemedAlready)).Errors());
        Assert.True((await admin.SubmitAsync(details, "[data-testid=void-batch-form]", new Dictionary<string, string>())).IsRedirect());

        details = await admin.GetDocumentAsync($"/admin/vouchers/{batchId}");
        Assert.Equal(("0", "0", "2", "11998"), (details.Text("[data-count=issued]"), details.Text("[data-count=active]"), details.Text("[data-count=redeemed]"), details.Text("[data-count=void]")));
        var list = await admin.GetDocumentAsync("/admin/vouchers");
        Assert.Equal("11998", list.Text($"[data-batch-number='{batch.Number}'] [data-count=void]"));
        var afterVoid = await _scenario.WithRedemptionsAsync(s => s.FindAsync(rows[5].Code, VoucherScenario.Traveller(_traveller)));
        Assert.Equal(VoucherRefusal.Void, afterVoid.Failure!.Reason);

        await using var audit = portal.Database.NewContext();
        // The admin's sign-in is audited too (account.signed-in); the voucher actions in order:
        var actions = await audit.AuditEntries.AsNoTracking().Where(a => a.Action.StartsWith("voucher")).OrderBy(a => a.Id).Select(a => new { a.Action, a.ActorId, a.EntityId }).ToListAsync();
        Assert.Equal(
            ["voucher-batch.created", "voucher-batch.generated", "voucher-batch.codes-released", "voucher-batch.activated", "voucher.redeemed", "voucher.redeemed", "voucher.voided", "voucher-batch.voided"],
            actions.Select(a => a.Action));
        Assert.All(actions.Where(a => a.Action.StartsWith("voucher-batch.", StringComparison.Ordinal) && a.Action != "voucher-batch.generated"), a => Assert.Equal((_admin.Id, batchId.ToString()), (a.ActorId, a.EntityId)));
    }

    [Fact]
    public async Task Unusable_generation_requests_are_refused_with_messages_and_create_nothing()
    {
        var admin = await portal.Factory.SignedInClientAsync("admin@example.com");
        var today = Jst.DateOf(_scenario.Now);

        var tooMany = await GenerateAsync(admin, 100_001, today.AddDays(30));
        var zero = await GenerateAsync(admin, 0, today.AddDays(30));
        var past = await GenerateAsync(admin, 10, today.AddDays(-1));
        var page = await admin.GetDocumentAsync("/admin/vouchers");
        var noChannel = await admin.SubmitAsync(page, "[data-testid=generate-form]", new Dictionary<string, string>
        {
            ["Input.PlanVersionId"] = _plan.ToString(),
            ["Input.Channel"] = "amazon",
            ["Input.Quantity"] = "10",
            ["Input.ExpiresOn"] = today.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });

        Assert.Contains("The quantity must be a whole number from 1 to 100,000.", (await HtmlForms.ParseAsync(tooMany)).Errors());
        Assert.Contains("The quantity must be a whole number from 1 to 100,000.", (await HtmlForms.ParseAsync(zero)).Errors());
        Assert.Contains("Choose a date from today up to five years ahead.", (await HtmlForms.ParseAsync(past)).Errors());
        Assert.Contains("Choose a sales channel.", (await HtmlForms.ParseAsync(noChannel)).Errors());
        await using var db = portal.Database.NewContext();
        Assert.False(await db.VoucherBatches.AnyAsync());
    }

    private async Task<HttpResponseMessage> GenerateAsync(HttpClient admin, int quantity, DateOnly expiresOn)
    {
        var page = await admin.GetDocumentAsync("/admin/vouchers");
        return await admin.SubmitAsync(page, "[data-testid=generate-form]", new Dictionary<string, string>
        {
            ["Input.PlanVersionId"] = _plan.ToString(),
            ["Input.Channel"] = SalesChannels.FamilyMart,
            ["Input.Quantity"] = quantity.ToString(CultureInfo.InvariantCulture),
            ["Input.ExpiresOn"] = expiresOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });
    }

    /// <summary>The portal's background worker generates the batch; wait for it.</summary>
    private async Task<VoucherBatch> WaitUntilGeneratedAsync(Guid batchId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            await using var db = portal.Database.NewContext();
            var batch = await db.VoucherBatches.AsNoTracking().SingleAsync(b => b.Id == batchId);
            if (batch.IsGenerated)
            {
                Assert.Equal(batch.Quantity, await db.Vouchers.CountAsync(v => v.BatchId == batchId));
                return batch;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Generation stalled at {batch.GeneratedCount} of {batch.Quantity}.");
            await Task.Delay(200);
        }
    }
}
