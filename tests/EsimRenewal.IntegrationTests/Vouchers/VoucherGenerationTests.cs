using System.Diagnostics;
using System.Net;
using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace EsimRenewal.IntegrationTests.Vouchers;

/// <summary>Generation stepped by hand (the background worker is off here): progress, chunking, and a batch of 100,000.</summary>
public sealed class VoucherGenerationTests(ManualGenerationFixture portal, ITestOutputHelper output) : IClassFixture<ManualGenerationFixture>, IAsyncLifetime
{
    private readonly VoucherScenario _scenario = new(portal.Factory);
    private ApplicationUser _admin = null!;
    private Guid _plan;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        _admin = await _scenario.AdminWithTwoFactorAsync("admin@example.com");
        _plan = await _scenario.PlanAsync("jp-30d", 30, SimKinds.Both);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Actor Admin => new(_admin.Id, _admin.UserName, "127.0.0.1");

    [Fact]
    public async Task The_batch_page_shows_progress_while_generating_and_offers_nothing_until_complete()
    {
        var created = await _scenario.WithBatchesAsync(s => s.CreateAsync(new NewVoucherBatch(_plan, SalesChannels.Ministop, 12_000, Jst.DateOf(_scenario.Now).AddDays(90)), Admin));
        var batchId = created.BatchId!.Value;
        Assert.True(await _scenario.WithBatchesAsync(s => s.GenerateNextChunkAsync(batchId)));
        var admin = await portal.Factory.SignedInClientAsync("admin@example.com");

        var page = await admin.GetDocumentAsync($"/admin/vouchers/{batchId}");

        Assert.Equal("5,000 of 12,000 generated (41%)", page.Text("[data-testid=progress-text]"));
        Assert.Equal("5000", page.QuerySelector("[data-testid=generation-progress] progress")!.GetAttribute("value"));
        Assert.NotNull(page.QuerySelector("[data-refresh-seconds]"));
        Assert.Null(page.QuerySelector("[data-testid=download-form]"));
        Assert.Null(page.QuerySelector("[data-testid=activate-form]"));
        // Posting the actions anyway is refused by the service.
        Assert.Equal(BatchRefusal.StillGenerating, (await _scenario.WithBatchesAsync(s => s.ActivateAsync(batchId, Admin))).Refusal);
        Assert.Equal(BatchRefusal.StillGenerating, (await _scenario.WithBatchesAsync(s => s.ReleaseCodesAsync(batchId, Admin, (_, _) => Task.CompletedTask))).Refusal);

        await _scenario.WithBatchesAsync(async s => { await s.GenerateAllAsync(batchId); return 0; });
        page = await admin.GetDocumentAsync($"/admin/vouchers/{batchId}");
        Assert.Null(page.QuerySelector("[data-testid=generation-progress]"));
        Assert.NotNull(page.QuerySelector("[data-testid=download-form]"));
        await using var db = portal.Database.NewContext();
        // Three chunks of at most 5,000, each sealed on its own.
        Assert.Equal([0, 5_000, 10_000], await db.Set<VoucherCodeExportChunk>().OrderBy(c => c.FirstIndex).Select(c => c.FirstIndex).ToListAsync());
    }

    [Fact]
    public async Task A_download_that_breaks_off_releases_nothing_and_can_be_retried()
    {
        var created = await _scenario.WithBatchesAsync(s => s.CreateAsync(new NewVoucherBatch(_plan, SalesChannels.Lawson, 20, Jst.DateOf(_scenario.Now).AddDays(90)), Admin));
        var batchId = created.BatchId!.Value;
        await _scenario.WithBatchesAsync(async s => { await s.GenerateAllAsync(batchId); return 0; });

        await Assert.ThrowsAsync<IOException>(() => _scenario.WithBatchesAsync(s => s.ReleaseCodesAsync(batchId, Admin, async (_, codes) =>
        {
            await foreach (var row in codes)
            {
                Assert.True(row.Serial > 0);
                throw new IOException("The admin's connection dropped.");
            }
        })));
        var codes = new List<ExportedCode>();
        var retried = await _scenario.WithBatchesAsync(s => s.ReleaseCodesAsync(batchId, Admin, async (_, rows) =>
        {
            await foreach (var row in rows)
            {
                codes.Add(row);
            }
        }));

        Assert.True(retried.Succeeded);
        Assert.Equal(20, codes.Count);
    }

    [Fact]
    public async Task A_batch_of_a_hundred_thousand_vouchers_generates_in_chunks_and_its_sheet_has_every_code_once()
    {
        var created = await _scenario.WithBatchesAsync(s => s.CreateAsync(new NewVoucherBatch(_plan, SalesChannels.FamilyMart, VoucherBatch.MaxQuantity, Jst.DateOf(_scenario.Now).AddDays(365)), Admin));
        var batchId = created.BatchId!.Value;
        var clock = Stopwatch.StartNew();

        await _scenario.WithBatchesAsync(async s => { await s.GenerateAllAsync(batchId); return 0; });
        var generation = clock.Elapsed;
        clock.Restart();
        var serials = new HashSet<long>();
        var codes = new HashSet<string>(StringComparer.Ordinal);
        var released = await _scenario.WithBatchesAsync(s => s.ReleaseCodesAsync(batchId, Admin, async (sheet, rows) =>
        {
            Assert.Equal(VoucherBatch.MaxQuantity, sheet.Quantity);
            await foreach (var row in rows)
            {
                Assert.True(serials.Add(row.Serial));
                Assert.True(codes.Add(row.Code.ToCanonicalString()));
            }
        }));
        var release = clock.Elapsed;
        output.WriteLine($"100,000 vouchers: generated in {generation.TotalSeconds:0.0} s, code sheet read in {release.TotalSeconds:0.0} s");

        Assert.True(released.Succeeded);
        Assert.Equal(VoucherBatch.MaxQuantity, codes.Count);
        await using var db = portal.Database.NewContext();
        Assert.Equal(VoucherBatch.MaxQuantity, await db.Vouchers.CountAsync(v => v.BatchId == batchId));
        Assert.Equal(VoucherBatch.MaxQuantity, await db.Vouchers.Where(v => v.BatchId == batchId).Select(v => v.CodeHash).Distinct().CountAsync());
        // A spot check that the sheet's codes are the stored ones: some hash to stored vouchers with the same serial.
        var hasher = (VoucherCodeHasher)portal.Factory.Services.GetService(typeof(VoucherCodeHasher))!;
        foreach (var code in codes.Take(20))
        {
            var hash = hasher.Hash(VoucherCode.Parse(code).Code!);
            Assert.True(await db.Vouchers.AnyAsync(v => v.CodeHash == hash && v.BatchId == batchId));
        }
        Assert.True(generation < TimeSpan.FromMinutes(2), $"Generating 100,000 vouchers took {generation}.");
    }
}
