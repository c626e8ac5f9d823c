using System.Runtime.CompilerServices;
using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace EsimRenewal.Core.Vouchers;

/// <summary>A plan an admin can issue vouchers for: the version of an active plan on sale now.</summary>
public sealed record PlanChoice(Guid PlanVersionId, string PlanCode, LocalizedText Name, int VersionNumber, int ValidityDays, long? DataMb, int? DailyFairUseMb, SimKinds SimKinds);

/// <summary>What an admin asks for: N vouchers of a plan version for a sales channel, valid until the end (JST) of a day.</summary>
public sealed record NewVoucherBatch(Guid PlanVersionId, string Channel, int Quantity, DateOnly ExpiresOn);

/// <summary>Vouchers of a batch per state as a person reads them (unused vouchers past expiry count as expired).</summary>
public sealed record VoucherCounts(int Issued, int Active, int Redeemed, int Void, int Expired)
{
    public int Total => Issued + Active + Redeemed + Void + Expired;
}

public sealed record BatchSummary(
    Guid Id,
    long Number,
    string PlanCode,
    LocalizedText PlanName,
    int PlanVersionNumber,
    string Channel,
    int Quantity,
    int GeneratedCount,
    DateTimeOffset ExpiresAt,
    VoucherBatchState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? VoidedAt,
    DateTimeOffset? CodesReleasedAt,
    VoucherCounts Counts)
{
    public bool IsGenerated => GeneratedCount == Quantity;

    public bool CodesDownloadable => IsGenerated && CodesReleasedAt is null && State != VoucherBatchState.Void;

    public int PercentGenerated => (int)(GeneratedCount * 100L / Quantity);
}

/// <summary>The heading of a batch's one-time code sheet.</summary>
public sealed record CodeSheet(long BatchNumber, string PlanCode, LocalizedText PlanName, string Channel, DateTimeOffset ExpiresAt, int Quantity);

public enum BatchRefusal
{
    NotFound,
    PlanNotAvailable,
    ExpiryNotInFuture,
    StillGenerating,
    AlreadyActive,
    AlreadyVoid,
    CodesAlreadyReleased,
    VoucherAlreadyRedeemed,
    VoucherAlreadyVoid,
}

/// <summary>The outcome of an admin action on a batch or voucher: done (with the batch it concerns), or why not.</summary>
public sealed record BatchResult(Guid? BatchId, BatchRefusal? Refusal, int Affected = 0)
{
    public bool Succeeded => Refusal is null;

    public static BatchResult Done(Guid batchId, int affected = 0) => new(batchId, null, affected);

    public static implicit operator BatchResult(BatchRefusal refusal) => new(null, refusal);
}

/// <summary>
/// Voucher batches for admins: create, generate in chunks (a background worker calls
/// <see cref="GenerateNextChunkAsync"/>), release the codes once as a sheet, activate, void, count.
/// Codes exist in plain form only in memory while a chunk is generated and while the sheet is written.
/// </summary>
public sealed class VoucherBatchService(
    EsimDbContext db,
    VoucherCodeHasher hasher,
    VoucherCodeExportCipher cipher,
    IOptions<VoucherOptions> options,
    TimeProvider clock,
    ILogger<VoucherBatchService> logger)
{
    private DbSet<VoucherCodeExportChunk> ExportChunks => db.Set<VoucherCodeExportChunk>();

    public async Task<IReadOnlyList<PlanChoice>> PlanChoicesAsync(CancellationToken ct = default) =>
        await db.PlanVersions.AsNoTracking()
            .Where(PlanVersion.OnSaleAt(clock.GetUtcNow()))
            .Where(v => v.Plan.IsActive)
            .OrderBy(v => v.Plan.SortOrder).ThenBy(v => v.ValidityDays).ThenBy(v => v.Plan.Code)
            .Select(v => new PlanChoice(v.Id, v.Plan.Code, v.Plan.Name, v.Number, v.ValidityDays, v.DataMb, v.DailyFairUseMb, v.SimKinds))
            .ToListAsync(ct);

    /// <summary>Records a new batch; its vouchers are generated in the background (see <see cref="GenerateNextChunkAsync"/>).</summary>
    public async Task<BatchResult> CreateAsync(NewVoucherBatch request, Actor actor, CancellationToken ct = default)
    {
        var createdBy = actor.UserId ?? throw new ArgumentException("A batch is created by a signed-in admin.", nameof(actor));
        if (!SalesChannels.IsKnown(request.Channel))
        {
            throw new ArgumentException($"Unknown sales channel '{request.Channel}'.", nameof(request));
        }
        var now = clock.GetUtcNow();
        var expiresAt = Jst.EndOfDay(request.ExpiresOn);
        if (expiresAt <= now)
        {
            return BatchRefusal.ExpiryNotInFuture;
        }
        // Only the version on sale now: a batch is never made of a superseded or a scheduled version.
        var plan = await db.PlanVersions.Include(v => v.Plan)
            .Where(PlanVersion.OnSaleAt(now))
            .SingleOrDefaultAsync(v => v.Id == request.PlanVersionId && v.Plan.IsActive, ct);
        if (plan is null)
        {
            return BatchRefusal.PlanNotAvailable;
        }
        var batch = VoucherBatch.Create(plan, request.Channel, request.Quantity, expiresAt, createdBy, now);
        db.VoucherBatches.Add(batch);
        AuditLog.Record(db, actor, "voucher-batch.created", nameof(VoucherBatch), batch.Id.ToString(), null,
            new { planVersionId = plan.Id, plan = plan.Plan.Code, batch.Channel, batch.Quantity, batch.ExpiresAt }, now);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Voucher batch {BatchId} ({BatchNumber}) of {Quantity} vouchers for plan version {PlanVersionId} requested by {ActorId}",
            batch.Id, batch.Number, batch.Quantity, plan.Id, actor.UserId);
        return BatchResult.Done(batch.Id);
    }

    /// <summary>
    /// Generates the next chunk of a batch that is not complete (any, or <paramref name="batchId"/>), in
    /// one transaction: the vouchers (binary COPY), their codes sealed for the one download, and the
    /// batch's progress. The batch row is claimed with <c>FOR UPDATE SKIP LOCKED</c>, so several workers
    /// on several instances share the work safely. Returns false when there was nothing to claim.
    /// </summary>
    public async Task<bool> GenerateNextChunkAsync(Guid? batchId = null, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var claim = batchId is { } id
            ? db.VoucherBatches.FromSql($"SELECT * FROM voucher_batches WHERE id = {id} AND generated_count < quantity AND state <> 'Void' FOR UPDATE SKIP LOCKED")
            : db.VoucherBatches.FromSql($"SELECT * FROM voucher_batches WHERE generated_count < quantity AND state <> 'Void' ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED");
        var batch = (await claim.ToListAsync(ct)).SingleOrDefault();
        if (batch is null)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        var first = batch.GeneratedCount;
        var count = Math.Min(options.Value.GenerationChunkSize, batch.Quantity - first);
        var codes = new List<ExportedCode>(count);
        await WriteVouchersAsync(batch, first, count, _ => VoucherCode.Generate(), codes, ct);
        ExportChunks.Add(new VoucherCodeExportChunk(batch.Id, first, cipher.Seal(batch.Id, first, codes), now));
        codes.Clear();
        batch.RecordGenerated(count, now);
        if (batch.IsGenerated)
        {
            AuditLog.Record(db, Actor.System, "voucher-batch.generated", nameof(VoucherBatch), batch.Id.ToString(), null,
                new { batch.Number, batch.Quantity }, now);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        if (batch.IsGenerated)
        {
            logger.LogInformation("Voucher batch {BatchId} generated: {Quantity} vouchers", batch.Id, batch.Quantity);
        }
        return true;
    }

    /// <summary>Generates every remaining chunk of one batch (tests, benchmarks, the demo seeder).</summary>
    public async Task GenerateAllAsync(Guid batchId, CancellationToken ct = default)
    {
        while (await GenerateNextChunkAsync(batchId, ct))
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Hands out a batch's codes, once: locks the batch, marks the codes released, streams the sheet to
    /// <paramref name="writeSheet"/> chunk by chunk, deletes the sealed codes, and commits. If writing
    /// fails (the admin's connection drops), nothing is committed and the sheet can be fetched again; once
    /// committed, never again. A second request waits for the first and is then refused.
    /// </summary>
    public async Task<BatchResult> ReleaseCodesAsync(
        Guid batchId,
        Actor actor,
        Func<CodeSheet, IAsyncEnumerable<ExportedCode>, Task> writeSheet,
        CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var batch = await LockBatchAsync(batchId, ct);
        if (batch is null)
        {
            return BatchRefusal.NotFound;
        }
        var now = clock.GetUtcNow();
        if (!batch.ReleaseCodes(now))
        {
            return batch.State == VoucherBatchState.Void ? BatchRefusal.AlreadyVoid
                : !batch.IsGenerated ? BatchRefusal.StillGenerating
                : BatchRefusal.CodesAlreadyReleased;
        }
        var plan = await db.PlanVersions.AsNoTracking().Where(v => v.Id == batch.PlanVersionId)
            .Select(v => new { v.Plan.Code, v.Plan.Name }).SingleAsync(ct);
        var chunkStarts = await ExportChunks.Where(c => c.BatchId == batch.Id).OrderBy(c => c.FirstIndex).Select(c => c.FirstIndex).ToListAsync(ct);

        await writeSheet(
            new CodeSheet(batch.Number, plan.Code, plan.Name, batch.Channel, batch.ExpiresAt, batch.Quantity),
            ReadSealedCodesAsync(batch.Id, batch.Quantity, chunkStarts, ct));

        await ExportChunks.Where(c => c.BatchId == batch.Id).ExecuteDeleteAsync(ct);
        AuditLog.Record(db, actor, "voucher-batch.codes-released", nameof(VoucherBatch), batch.Id.ToString(), null,
            new { batch.Number, batch.Quantity }, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Codes of voucher batch {BatchId} released to {ActorId}", batch.Id, actor.UserId);
        return BatchResult.Done(batch.Id, batch.Quantity);
    }

    /// <summary>Ships a fully generated batch: Issued → Active for the batch and, in one statement, its vouchers.</summary>
    public async Task<BatchResult> ActivateAsync(Guid batchId, Actor actor, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var batch = await LockBatchAsync(batchId, ct);
        if (batch is null)
        {
            return BatchRefusal.NotFound;
        }
        var now = clock.GetUtcNow();
        if (!batch.Activate(now))
        {
            return batch.State switch
            {
                VoucherBatchState.Void => BatchRefusal.AlreadyVoid,
                VoucherBatchState.Active => BatchRefusal.AlreadyActive,
                _ => BatchRefusal.StillGenerating,
            };
        }
        var activated = await db.Vouchers.Where(v => v.BatchId == batch.Id && v.State == VoucherState.Issued)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.State, VoucherState.Active), ct);
        AuditLog.Record(db, actor, "voucher-batch.activated", nameof(VoucherBatch), batch.Id.ToString(),
            new { state = nameof(VoucherBatchState.Issued) }, new { state = batch.State.ToString(), vouchers = activated }, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Voucher batch {BatchId} activated: {Count} vouchers by {ActorId}", batch.Id, activated, actor.UserId);
        return BatchResult.Done(batch.Id, activated);
    }

    /// <summary>Voids a batch: every unused voucher in it becomes void, and codes not yet downloaded are destroyed.</summary>
    public async Task<BatchResult> VoidAsync(Guid batchId, Actor actor, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var batch = await LockBatchAsync(batchId, ct);
        if (batch is null)
        {
            return BatchRefusal.NotFound;
        }
        var before = batch.State;
        var now = clock.GetUtcNow();
        if (!batch.Void(now))
        {
            return BatchRefusal.AlreadyVoid;
        }
        var voided = await db.Vouchers
            .Where(v => v.BatchId == batch.Id && (v.State == VoucherState.Issued || v.State == VoucherState.Active || v.State == VoucherState.Expired))
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.State, VoucherState.Void).SetProperty(v => v.VoidedAt, now), ct);
        await ExportChunks.Where(c => c.BatchId == batch.Id).ExecuteDeleteAsync(ct);
        AuditLog.Record(db, actor, "voucher-batch.voided", nameof(VoucherBatch), batch.Id.ToString(),
            new { state = before.ToString() }, new { state = batch.State.ToString(), vouchers = voided }, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Voucher batch {BatchId} voided: {Count} vouchers by {ActorId}", batch.Id, voided, actor.UserId);
        return BatchResult.Done(batch.Id, voided);
    }

    /// <summary>Voids one unused voucher by its serial (e.g. a card reported stolen).</summary>
    public async Task<BatchResult> VoidVoucherAsync(long serial, Actor actor, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The row lock orders this against a concurrent redemption's conditional update.
        var voucher = (await db.Vouchers.FromSql($"SELECT *, xmin FROM vouchers WHERE serial = {serial} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (voucher is null)
        {
            return BatchRefusal.NotFound;
        }
        var before = voucher.State;
        if (!voucher.Void(clock.GetUtcNow()))
        {
            return before == VoucherState.Redeemed ? BatchRefusal.VoucherAlreadyRedeemed : BatchRefusal.VoucherAlreadyVoid;
        }
        AuditLog.Record(db, actor, "voucher.voided", nameof(Voucher), voucher.Id.ToString(),
            new { state = before.ToString(), voucher.Serial }, new { state = voucher.State.ToString(), voucher.Serial }, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Voucher {VoucherId} (serial {Serial}) voided by {ActorId}", voucher.Id, voucher.Serial, actor.UserId);
        return BatchResult.Done(voucher.BatchId, 1);
    }

    public async Task<IReadOnlyList<BatchSummary>> ListAsync(int take = 50, CancellationToken ct = default)
    {
        var batches = await Summaries(db.VoucherBatches.AsNoTracking().OrderByDescending(b => b.Number).Take(take)).ToListAsync(ct);
        return await WithCountsAsync(batches, ct);
    }

    public async Task<BatchSummary?> GetAsync(Guid batchId, CancellationToken ct = default)
    {
        var batches = await Summaries(db.VoucherBatches.AsNoTracking().Where(b => b.Id == batchId)).ToListAsync(ct);
        return (await WithCountsAsync(batches, ct)).SingleOrDefault();
    }

    /// <summary>
    /// A batch with the given codes, complete and already handed out (its codes can never be downloaded),
    /// optionally activated: for the demo data and for tests that need to know a code.
    /// </summary>
    public async Task<Guid> SeedAsync(Guid planVersionId, string channel, DateTimeOffset expiresAt, IReadOnlyList<VoucherCode> codes, bool activate, Actor actor, CancellationToken ct = default)
    {
        var createdBy = actor.UserId ?? throw new ArgumentException("A batch is created by an account.", nameof(actor));
        var now = clock.GetUtcNow();
        // Any version that has been on sale (tests seed old ones too), never a scheduled one.
        var plan = await db.PlanVersions.SingleAsync(v => v.Id == planVersionId && v.EffectiveFrom <= now, ct);
        var batch = VoucherBatch.Create(plan, channel, codes.Count, expiresAt, createdBy, now);
        // Joins the caller's transaction when there is one (the start-up seeder holds an advisory lock in one).
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        db.VoucherBatches.Add(batch);
        await db.SaveChangesAsync(ct); // assigns the batch number the serials are made of
        await WriteVouchersAsync(batch, 0, codes.Count, i => codes[i], exported: null, ct);
        batch.RecordGenerated(codes.Count, now);
        batch.ReleaseCodes(now);
        if (activate)
        {
            batch.Activate(now);
            await db.Vouchers.Where(v => v.BatchId == batch.Id).ExecuteUpdateAsync(s => s.SetProperty(v => v.State, VoucherState.Active), ct);
        }
        AuditLog.Record(db, actor, "voucher-batch.seeded", nameof(VoucherBatch), batch.Id.ToString(), null,
            new { batch.Number, batch.Quantity, state = batch.State.ToString() }, now);
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
        return batch.Id;
    }

    /// <summary>The demo batch (see <see cref="DemoVouchers"/>), once; only called when demo data is on.</summary>
    public async Task SeedDemoBatchAsync(Actor creator, CancellationToken ct = default)
    {
        var firstHash = hasher.Hash(DemoVouchers.Codes[0]);
        if (await db.Vouchers.AnyAsync(v => v.CodeHash == firstHash, ct))
        {
            return;
        }
        var plan = await db.PlanVersions.Where(PlanVersion.OnSaleAt(clock.GetUtcNow()))
            .Where(v => v.Plan.Code == DemoVouchers.PlanCode).Select(v => v.Id).SingleAsync(ct);
        var expiresAt = Jst.EndOfDay(clock.GetUtcNow().AddYears(1));
        await SeedAsync(plan, DemoVouchers.Channel, expiresAt, DemoVouchers.Codes, activate: true, creator, ct);
    }

    /// <summary>Which of the given codes are still redeemable, with their serials (for printing demo codes).</summary>
    public async Task<IReadOnlyList<ExportedCode>> StillRedeemableAsync(IReadOnlyList<VoucherCode> codes, CancellationToken ct = default)
    {
        var byHash = codes.ToDictionary(c => Convert.ToHexString(hasher.Hash(c)));
        var hashes = codes.Select(hasher.Hash).ToList();
        var now = clock.GetUtcNow();
        var rows = await db.Vouchers.AsNoTracking().Where(v => hashes.Contains(v.CodeHash)).Where(Voucher.RedeemableAt(now))
            .OrderBy(v => v.Serial).Select(v => new { v.Serial, v.CodeHash }).ToListAsync(ct);
        return rows.Select(r => new ExportedCode(r.Serial, byHash[Convert.ToHexString(r.CodeHash)])).ToList();
    }

    private async Task<VoucherBatch?> LockBatchAsync(Guid batchId, CancellationToken ct) =>
        (await db.VoucherBatches.FromSql($"SELECT * FROM voucher_batches WHERE id = {batchId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();

    /// <summary>Writes vouchers first … first+count-1 of the batch with one binary COPY on the transaction's connection.</summary>
    private async Task WriteVouchersAsync(VoucherBatch batch, int first, int count, Func<int, VoucherCode> codeAt, List<ExportedCode>? exported, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var import = await connection.BeginBinaryImportAsync(
            "COPY vouchers (id, batch_id, serial, code_hash, last4, state) FROM STDIN (FORMAT BINARY)", ct);
        for (var i = 0; i < count; i++)
        {
            var code = codeAt(i);
            var serial = batch.SerialFor(first + i);
            await import.StartRowAsync(ct);
            await import.WriteAsync(Guid.CreateVersion7(now), NpgsqlDbType.Uuid, ct);
            await import.WriteAsync(batch.Id, NpgsqlDbType.Uuid, ct);
            await import.WriteAsync(serial, NpgsqlDbType.Bigint, ct);
            await import.WriteAsync(hasher.Hash(code), NpgsqlDbType.Bytea, ct);
            await import.WriteAsync(code.Last4, NpgsqlDbType.Char, ct);
            await import.WriteAsync(nameof(VoucherState.Issued), NpgsqlDbType.Varchar, ct);
            exported?.Add(new ExportedCode(serial, code));
        }
        await import.CompleteAsync(ct);
    }

    private async IAsyncEnumerable<ExportedCode> ReadSealedCodesAsync(Guid batchId, int quantity, IReadOnlyList<int> chunkStarts, [EnumeratorCancellation] CancellationToken ct)
    {
        var rows = 0;
        foreach (var first in chunkStarts)
        {
            var sealedCodes = await ExportChunks.AsNoTracking().Where(c => c.BatchId == batchId && c.FirstIndex == first)
                .Select(c => c.SealedCodes).SingleAsync(ct);
            foreach (var code in cipher.Open(batchId, first, sealedCodes))
            {
                rows++;
                yield return code;
            }
        }
        if (rows != quantity)
        {
            throw new InvalidOperationException($"Voucher batch {batchId} has {rows} sealed codes for {quantity} vouchers.");
        }
    }

    private static IQueryable<BatchSummary> Summaries(IQueryable<VoucherBatch> batches) =>
        batches.Select(b => new BatchSummary(
            b.Id, b.Number, b.PlanVersion.Plan.Code, b.PlanVersion.Plan.Name, b.PlanVersion.Number, b.Channel, b.Quantity,
            b.GeneratedCount, b.ExpiresAt, b.State, b.CreatedAt, b.ActivatedAt, b.VoidedAt, b.CodesReleasedAt,
            new VoucherCounts(0, 0, 0, 0, 0)));

    private async Task<IReadOnlyList<BatchSummary>> WithCountsAsync(List<BatchSummary> batches, CancellationToken ct)
    {
        var ids = batches.Select(b => b.Id).ToList();
        var rows = await db.Vouchers.AsNoTracking()
            .Where(v => ids.Contains(v.BatchId))
            .GroupBy(v => new { v.BatchId, v.State })
            .Select(g => new { g.Key.BatchId, g.Key.State, Count = g.Count() })
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        return batches.Select(b =>
        {
            int Count(VoucherState state) => rows.Where(r => r.BatchId == b.Id && Voucher.EffectiveState(r.State, b.ExpiresAt, now) == state).Sum(r => r.Count);
            return b with
            {
                Counts = new VoucherCounts(Count(VoucherState.Issued), Count(VoucherState.Active), Count(VoucherState.Redeemed), Count(VoucherState.Void), Count(VoucherState.Expired)),
            };
        }).ToList();
    }
}
