using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Carrier;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Throttling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EsimRenewal.Core.Vouchers;

/// <summary>
/// Who is redeeming: a traveller on /redeem (onto their own SIMs) or a staff member on /staff/redeem
/// (onto any SIM, by ICCID). Failed attempts count against the account or staff member and the IP.
/// </summary>
/// <remarks><see cref="Challenge"/> is the solution of a proof-of-work challenge, sent when the address is busy.</remarks>
public sealed record Redeemer(RedemptionChannel Channel, string UserId, string? Name, string? Ip, string Culture, string? Challenge = null)
{
    public Actor Actor => new(UserId, Name, Ip);

    public IReadOnlyList<AttemptSubject> AttemptSubjects
    {
        get
        {
            var subject = Channel == RedemptionChannel.Traveller ? AttemptSubject.Account(UserId) : AttemptSubject.Staff(UserId);
            return Ip is null ? [subject] : [subject, AttemptSubject.Address(Ip)];
        }
    }
}

/// <summary>Which SIM: a traveller picks one of their own by id; staff type the customer's ICCID.</summary>
public readonly record struct SimKey(Guid? Id, string? Iccid)
{
    public static SimKey Owned(Guid simId) => new(simId, null);

    public static SimKey ByIccid(Iccid iccid) => new(null, iccid.Value);
}

/// <summary>What a voucher gives: its plan version's terms.</summary>
public sealed record VoucherPlan(Guid PlanVersionId, string PlanCode, LocalizedText Name, int ValidityDays, long? DataMb, int? DailyFairUseMb, SimKinds SimKinds)
{
    internal static VoucherPlan Of(PlanVersion v) => new(v.Id, v.Plan.Code, v.Plan.Name, v.ValidityDays, v.DataMb, v.DailyFairUseMb, v.SimKinds);
}

/// <summary>One of the traveller's SIMs the voucher fits, with what redeeming onto it would do.</summary>
public sealed record SimOption(Guid SimId, string Iccid, SimKind Kind, string? Label, DateTimeOffset? CurrentExpiresAt, DateTimeOffset NewExpiresAt, bool StartsNow);

/// <summary>A redeemable voucher and the traveller's SIMs it fits.</summary>
public sealed record VoucherOffer(long Serial, VoucherPlan Plan, DateTimeOffset VoucherExpiresAt, IReadOnlyList<SimOption> Sims);

/// <summary>What confirming will do, shown before confirming.</summary>
public sealed record RedemptionPreview(long Serial, VoucherPlan Plan, Guid SimId, string Iccid, SimKind Kind, DateTimeOffset? CurrentExpiresAt, DateTimeOffset NewExpiresAt, bool StartsNow);

public sealed record RedemptionReceipt(Guid RedemptionId, Guid OrderId, long Serial, VoucherPlan Plan, Guid SimId, string Iccid, DateTimeOffset? PreviousExpiresAt, DateTimeOffset NewExpiresAt);

/// <summary>A printable confirmation of a redemption (staff slip).</summary>
public sealed record RedemptionSlip(
    Guid RedemptionId,
    DateTimeOffset RedeemedAt,
    RedemptionChannel Channel,
    string? RedeemedBy,
    long Serial,
    string BatchChannel,
    LocalizedText PlanName,
    int ValidityDays,
    long? DataMb,
    int? DailyFairUseMb,
    string Iccid,
    long OrderNumber,
    DateTimeOffset? PreviousExpiresAt,
    DateTimeOffset? NewExpiresAt);

/// <summary>A voucher as the staff look-up shows it; never the code.</summary>
public sealed record VoucherDetails(
    Guid VoucherId,
    long Serial,
    string Last4,
    long BatchNumber,
    string BatchChannel,
    VoucherBatchState BatchState,
    LocalizedText PlanName,
    int ValidityDays,
    VoucherState State,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? VoidedAt,
    DateTimeOffset? RedeemedAt,
    RedemptionChannel? RedeemedVia,
    string? RedeemedOntoIccid);

/// <summary>
/// Redeeming vouchers, exactly once. Input is parsed here (a typo is caught by the check symbol before
/// any look-up); guesses (unknown codes, unknown SIMs) count towards the brute-force limit; and the
/// redemption itself is one transaction whose first statement is a conditional UPDATE of the voucher:
/// of any number of concurrent attempts the database lets exactly one through.
/// </summary>
public sealed class VoucherRedemptionService(
    EsimDbContext db,
    VoucherCodeHasher hasher,
    AttemptLimiter limiter,
    TimeProvider clock,
    ILogger<VoucherRedemptionService> logger)
{
    /// <summary>Traveller, step 1: the voucher and the traveller's SIMs its plan fits.</summary>
    public async Task<VoucherResult<VoucherOffer>> FindAsync(string? codeInput, Redeemer traveller, CancellationToken ct = default)
    {
        EnsureTraveller(traveller);
        var found = await FindRedeemableAsync(codeInput, traveller, track: false, ct);
        if (!found.Succeeded)
        {
            return found.Failure;
        }
        var voucher = found.Value;
        var plan = voucher.Batch.PlanVersion;
        var now = clock.GetUtcNow();
        var sims = await db.Sims.AsNoTracking()
            .Where(s => s.OwnerId == traveller.UserId)
            .OrderBy(s => s.CreatedAt)
            .ToListAsync(ct);
        var options = sims.Where(s => plan.Fits(s.Kind)).Select(s =>
        {
            var preview = s.PreviewRenewal(plan, now);
            return new SimOption(s.Id, s.Iccid, s.Kind, s.Label, s.ExpiresAt, preview.NewExpiresAt, preview.StartsNow);
        }).ToList();
        if (options.Count == 0)
        {
            return VoucherRefusal.NoFittingSim;
        }
        return new VoucherOffer(voucher.Serial, VoucherPlan.Of(plan), voucher.Batch.ExpiresAt, options);
    }

    /// <summary>What redeeming the code onto the SIM would do; changes nothing.</summary>
    public async Task<VoucherResult<RedemptionPreview>> PreviewAsync(string? codeInput, SimKey simKey, Redeemer redeemer, CancellationToken ct = default)
    {
        var found = await FindRedeemableAsync(codeInput, redeemer, track: false, ct);
        if (!found.Succeeded)
        {
            return found.Failure;
        }
        var plan = found.Value.Batch.PlanVersion;
        var sim = await FindSimAsync(simKey, redeemer, ct);
        if (!sim.Succeeded)
        {
            return sim.Failure;
        }
        if (!plan.Fits(sim.Value.Kind))
        {
            return VoucherRefusal.PlanDoesNotFit;
        }
        var preview = sim.Value.PreviewRenewal(plan, clock.GetUtcNow());
        return new RedemptionPreview(found.Value.Serial, VoucherPlan.Of(plan), sim.Value.Id, sim.Value.Iccid, sim.Value.Kind,
            preview.CurrentExpiresAt, preview.NewExpiresAt, preview.StartsNow);
    }

    /// <summary>
    /// Redeems the code onto the SIM, in one transaction: the voucher's conditional state change, the
    /// SIM's renewal, a ¥0 voucher order, the redemption row, the carrier outbox message and the audit
    /// entry. A second attempt, concurrent or later, is refused as already redeemed.
    /// </summary>
    public async Task<VoucherResult<RedemptionReceipt>> RedeemAsync(string? codeInput, SimKey simKey, Redeemer redeemer, CancellationToken ct = default)
    {
        var found = await FindRedeemableAsync(codeInput, redeemer, track: true, ct);
        if (!found.Succeeded)
        {
            return found.Failure;
        }
        var voucher = found.Value;
        var plan = voucher.Batch.PlanVersion;
        var target = await FindSimAsync(simKey, redeemer, ct);
        if (!target.Succeeded)
        {
            return target.Failure;
        }
        if (!plan.Fits(target.Value.Kind))
        {
            return VoucherRefusal.PlanDoesNotFit;
        }

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Database.AutoSavepointsEnabled = false; // a failed save ends the use case: no savepoint round trips
        // Exactly once: UPDATE vouchers SET state = 'Redeemed' … WHERE id = @id AND state = 'Active' AND
        // (batch active, not expired). Concurrent attempts queue on the row lock; after the first commits,
        // the others re-check the WHERE clause against the committed row and update nothing.
        var claimed = await db.Vouchers
            .Where(v => v.Id == voucher.Id)
            .Where(Voucher.RedeemableAt(now))
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.State, VoucherState.Redeemed).SetProperty(v => v.RedeemedAt, now), ct);
        if (claimed != 1)
        {
            await transaction.RollbackAsync(ct);
            return await CurrentRefusalAsync(voucher.Id, redeemer, now, ct);
        }

        // Lock the SIM too: another voucher or a paid renewal of the same SIM waits, then sees this renewal.
        var sim = (await db.Sims.FromSql($"SELECT *, xmin FROM sims WHERE id = {target.Value.Id} FOR UPDATE").ToListAsync(ct)).Single();
        var owner = sim.OwnerId is null ? null : await db.Users.AsNoTracking()
            .Where(u => u.Id == sim.OwnerId)
            .Select(u => new { u.Email, u.PreferredCulture })
            .SingleOrDefaultAsync(ct);
        var outcome = sim.ApplyRenewal(plan, now);
        var order = Order.ForVoucher(sim, plan, outcome, sim.OwnerId, owner?.Email ?? sim.PurchaseEmail ?? "",
            owner?.PreferredCulture ?? redeemer.Culture, "voucher:" + voucher.Id, now);
        var redemption = new VoucherRedemption(voucher.Id, sim.Id, order.Id, redeemer.UserId, redeemer.Channel, redeemer.Ip, now);
        db.Orders.Add(order);
        db.VoucherRedemptions.Add(redemption);
        db.OutboxMessages.Add(CarrierOutbox.ValidityChanged(redemption.Id.ToString(), sim, order.Id, now));
        EmailOutbox.EnqueueConfirmation(db, order, order.Culture, now); // the order's culture is already the owner's preference
        AuditLog.Record(db, redeemer.Actor, "voucher.redeemed", nameof(Voucher), voucher.Id.ToString(),
            new { state = nameof(VoucherState.Active), voucher.Serial, simExpiresAt = outcome.PreviousExpiresAt },
            new { state = nameof(VoucherState.Redeemed), voucher.Serial, simId = sim.Id, orderId = order.Id, redemptionId = redemption.Id, channel = redeemer.Channel.ToString(), simExpiresAt = outcome.NewExpiresAt },
            now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        logger.LogInformation("Voucher {VoucherId} redeemed onto SIM {SimId} via {Channel} by {UserId}: order {OrderId}, redemption {RedemptionId}",
            voucher.Id, sim.Id, redeemer.Channel, redeemer.UserId, order.Id, redemption.Id);
        return new RedemptionReceipt(redemption.Id, order.Id, voucher.Serial, VoucherPlan.Of(plan), sim.Id, sim.Iccid, outcome.PreviousExpiresAt, outcome.NewExpiresAt);
    }

    /// <summary>Staff look-up by serial (public, not limited) or by code (a secret: counted like a redemption attempt).</summary>
    public async Task<VoucherResult<VoucherDetails>> LookUpAsync(string? serialOrCode, Redeemer staff, CancellationToken ct = default)
    {
        var parsed = VoucherCode.Parse(serialOrCode);
        IQueryable<Voucher> vouchers = db.Vouchers.AsNoTracking();
        if (parsed.IsValid)
        {
            var gate = await limiter.CheckAsync(AttemptPurposes.Voucher, staff.AttemptSubjects, staff.Challenge, ct);
            if (!gate.IsOpen)
            {
                return HeldBack(gate);
            }
            var hash = hasher.Hash(parsed.Code);
            vouchers = vouchers.Where(v => v.CodeHash == hash);
        }
        else if (Voucher.TryParseSerial(serialOrCode, out var serial))
        {
            vouchers = vouchers.Where(v => v.Serial == serial);
        }
        else
        {
            return parsed.Outcome == VoucherCodeParseOutcome.ProbableTypo ? VoucherRefusal.ProbableTypo : VoucherRefusal.NotACode;
        }

        var row = await vouchers.Select(v => new
        {
            v.Id,
            v.Serial,
            v.Last4,
            BatchNumber = v.Batch.Number,
            BatchChannel = v.Batch.Channel,
            BatchState = v.Batch.State,
            PlanName = v.Batch.PlanVersion.Plan.Name,
            v.Batch.PlanVersion.ValidityDays,
            v.State,
            v.Batch.ExpiresAt,
            v.VoidedAt,
            Redemption = db.VoucherRedemptions.Where(r => r.VoucherId == v.Id)
                .Select(r => new { r.RedeemedAt, r.Channel, Iccid = db.Sims.Where(s => s.Id == r.SimId).Select(s => s.Iccid).FirstOrDefault() })
                .FirstOrDefault(),
        }).SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return parsed.IsValid ? await FailAsync(VoucherRefusal.UnknownCode, staff, ct) : VoucherRefusal.UnknownCode;
        }
        var now = clock.GetUtcNow();
        var state = Voucher.EffectiveState(row.BatchState == VoucherBatchState.Void && row.State != VoucherState.Redeemed ? VoucherState.Void : row.State, row.ExpiresAt, now);
        return new VoucherDetails(row.Id, row.Serial, row.Last4, row.BatchNumber, row.BatchChannel, row.BatchState, row.PlanName, row.ValidityDays,
            state, row.ExpiresAt, row.VoidedAt, row.Redemption?.RedeemedAt, row.Redemption?.Channel, row.Redemption?.Iccid);
    }

    /// <summary>
    /// The slip of a redemption for <paramref name="viewerId"/>: a staff member sees only the slips of
    /// redemptions they made at their own desk (a slip names the customer's SIM and whoever redeemed);
    /// an admin (<paramref name="seesAll"/>) sees every slip. Null for any other: no such slip, as far as
    /// the viewer can tell.
    /// </summary>
    public async Task<RedemptionSlip?> GetSlipAsync(Guid redemptionId, string viewerId, bool seesAll, CancellationToken ct = default) =>
        await (from r in db.VoucherRedemptions.AsNoTracking()
               where r.Id == redemptionId && (seesAll || r.RedeemedById == viewerId)
               join v in db.Vouchers on r.VoucherId equals v.Id
               join o in db.Orders on r.OrderId equals o.Id
               join s in db.Sims on r.SimId equals s.Id
               select new RedemptionSlip(
                   r.Id,
                   r.RedeemedAt,
                   r.Channel,
                   db.Users.Where(u => u.Id == r.RedeemedById).Select(u => u.UserName).FirstOrDefault(),
                   v.Serial,
                   v.Batch.Channel,
                   o.PlanVersion.Plan.Name,
                   o.PlanVersion.ValidityDays,
                   o.PlanVersion.DataMb,
                   o.PlanVersion.DailyFairUseMb,
                   s.Iccid,
                   o.Number,
                   o.PreviousExpiresAt,
                   o.NewExpiresAt))
            .SingleOrDefaultAsync(ct);

    /// <summary>Parses, checks the attempt limit, looks the code up (by its hash) and applies the voucher's rules.</summary>
    private async Task<VoucherResult<Voucher>> FindRedeemableAsync(string? codeInput, Redeemer redeemer, bool track, CancellationToken ct)
    {
        var parsed = VoucherCode.Parse(codeInput);
        if (!parsed.IsValid)
        {
            // Neither counts as an attempt: nothing was looked up.
            return parsed.Outcome == VoucherCodeParseOutcome.ProbableTypo ? VoucherRefusal.ProbableTypo : VoucherRefusal.NotACode;
        }
        var gate = await limiter.CheckAsync(AttemptPurposes.Voucher, redeemer.AttemptSubjects, redeemer.Challenge, ct);
        if (!gate.IsOpen)
        {
            logger.LogInformation("Voucher attempt held back: {UserId} via {Channel}, locked until {LockedUntil}, challenge {ChallengeRequired}",
                redeemer.UserId, redeemer.Channel, gate.LockedUntil, gate.ChallengeRequired);
            return HeldBack(gate);
        }
        var hash = hasher.Hash(parsed.Code);
        var query = db.Vouchers.Include(v => v.Batch).ThenInclude(b => b.PlanVersion).ThenInclude(p => p.Plan).Where(v => v.CodeHash == hash);
        var voucher = await (track ? query : query.AsNoTracking()).SingleOrDefaultAsync(ct);
        if (voucher is null)
        {
            return await FailAsync(VoucherRefusal.UnknownCode, redeemer, ct);
        }
        var refusal = voucher.RefusalAt(clock.GetUtcNow());
        return refusal is null ? voucher : await DescribeAsync(voucher.Id, refusal.Value, redeemer, ct);
    }

    private async Task<VoucherResult<Sim>> FindSimAsync(SimKey key, Redeemer redeemer, CancellationToken ct)
    {
        IQueryable<Sim> sims = db.Sims.AsNoTracking();
        if (redeemer.Channel == RedemptionChannel.Traveller)
        {
            // A traveller can only pick one of their own SIMs: a role is not ownership.
            var id = key.Id ?? throw new ArgumentException("A traveller picks a SIM by id.", nameof(key));
            sims = sims.Where(s => s.Id == id && s.OwnerId == redeemer.UserId);
        }
        else
        {
            var iccid = key.Iccid ?? throw new ArgumentException("Staff name a SIM by its ICCID.", nameof(key));
            sims = sims.Where(s => s.Iccid == iccid);
        }
        var sim = await sims.SingleOrDefaultAsync(ct);
        return sim is null ? await FailAsync(VoucherRefusal.UnknownSim, redeemer, ct) : sim;
    }

    /// <summary>After a lost race: why the voucher is no longer redeemable, read from the committed rows.</summary>
    private async Task<VoucherFailure> CurrentRefusalAsync(Guid voucherId, Redeemer redeemer, DateTimeOffset now, CancellationToken ct)
    {
        var voucher = await db.Vouchers.AsNoTracking().Include(v => v.Batch).SingleAsync(v => v.Id == voucherId, ct);
        var refusal = voucher.RefusalAt(now) ?? throw new InvalidOperationException($"Voucher {voucherId} is redeemable but its conditional update matched no row.");
        return (await DescribeAsync(voucherId, refusal, redeemer, ct)).Failure!;
    }

    private async Task<VoucherResult<Voucher>> DescribeAsync(Guid voucherId, VoucherRefusal refusal, Redeemer redeemer, CancellationToken ct)
    {
        logger.LogInformation("Voucher {VoucherId} refused via {Channel} for {UserId}: {Refusal}", voucherId, redeemer.Channel, redeemer.UserId, refusal);
        if (refusal != VoucherRefusal.AlreadyRedeemed)
        {
            return refusal;
        }
        var used = await db.VoucherRedemptions.AsNoTracking().Where(r => r.VoucherId == voucherId)
            .Select(r => new { r.RedeemedAt, r.Channel }).SingleOrDefaultAsync(ct);
        return new VoucherFailure(refusal) { RedeemedAt = used?.RedeemedAt, RedeemedVia = used?.Channel };
    }

    private async Task<VoucherFailure> FailAsync(VoucherRefusal refusal, Redeemer redeemer, CancellationToken ct)
    {
        logger.LogInformation("Voucher attempt failed via {Channel} for {UserId}: {Refusal}", redeemer.Channel, redeemer.UserId, refusal);
        var failure = new VoucherFailure(refusal);
        if (failure.CountsAsFailedAttempt)
        {
            await limiter.RecordFailureAsync(AttemptPurposes.Voucher, redeemer.AttemptSubjects, redeemer.Actor, ct);
        }
        return failure;
    }

    private static VoucherFailure HeldBack(AttemptGate gate) => gate.LockedUntil is { } until
        ? new VoucherFailure(VoucherRefusal.TooManyAttempts) { LockedUntil = until }
        : VoucherRefusal.ChallengeRequired;

    private static void EnsureTraveller(Redeemer redeemer)
    {
        if (redeemer.Channel != RedemptionChannel.Traveller)
        {
            throw new ArgumentException("Only a traveller picks among their own SIMs.", nameof(redeemer));
        }
    }
}
