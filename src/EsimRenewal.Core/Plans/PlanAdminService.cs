using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EsimRenewal.Core.Plans;

/// <summary>One version of a plan's terms as the admin pages show it.</summary>
public sealed record PlanVersionView(Guid Id, int Number, PlanTerms Terms, DateTimeOffset EffectiveFrom)
{
    public static PlanVersionView Of(PlanVersion version) => new(version.Id, version.Number, version.Terms, version.EffectiveFrom);
}

/// <summary>A plan on the admin pages: names, place, state, the version on sale now and the scheduled change, if any.</summary>
public sealed record AdminPlan(
    Guid Id,
    string Code,
    LocalizedText Name,
    LocalizedText Description,
    bool IsActive,
    int SortOrder,
    uint Version,
    PlanVersionView OnSale,
    PlanVersionView? Scheduled)
{
    public static AdminPlan Of(Plan plan, DateTimeOffset now) => new(
        plan.Id, plan.Code, plan.Name, plan.Description, plan.IsActive, plan.SortOrder, plan.Version,
        PlanVersionView.Of(plan.VersionOnSaleAt(now)),
        plan.PendingVersion(now) is { } pending ? PlanVersionView.Of(pending) : null);
}

/// <summary>A new plan; its terms are on sale from its creation (while it is active).</summary>
public sealed record NewPlan(string Code, LocalizedText Name, LocalizedText Description, PlanTerms Terms, bool Active);

/// <param name="Version">The plan's row version when the admin's form was shown: a save over a newer one is refused.</param>
/// <param name="EffectiveFrom">When changed terms take effect: null for now, else a later time (a scheduled change).</param>
public sealed record PlanEdit(uint Version, LocalizedText Name, LocalizedText Description, PlanTerms Terms, DateTimeOffset? EffectiveFrom);

public enum PlanRefusal
{
    NotFound,
    CodeTaken,

    /// <summary>Someone saved the plan after this admin's form was shown; nothing was saved.</summary>
    ChangedMeanwhile,

    /// <summary>A change from now while another change is scheduled (see <see cref="PlanRevisionOutcome.RefusedWhileScheduled"/>).</summary>
    ChangeScheduled,

    /// <summary>The time chosen for a scheduled change has passed.</summary>
    TimeHasPassed,

    /// <summary>The scheduled change to cancel has taken effect, was replaced, or was cancelled already.</summary>
    NotScheduled,
}

/// <summary>The outcome of an admin action on a plan: done (with the plan as saved) or why not (with the plan as it is).</summary>
public sealed record PlanResult(PlanRefusal? Refusal, AdminPlan? Plan, PlanRevisionOutcome Revision = PlanRevisionOutcome.Unchanged)
{
    public bool Succeeded => Refusal is null;
}

/// <summary>
/// The plan catalogue for admins: list, create, edit (names; terms now or scheduled), cancel a scheduled
/// change, activate, deactivate, reorder. Each change is one transaction with its audit entries. Saves of
/// one plan are serialised by its row lock and refused when the admin's form shows an older row version.
/// </summary>
public sealed class PlanAdminService(EsimDbContext db, TimeProvider clock, ILogger<PlanAdminService> logger)
{
    private const string EntityType = nameof(Plan);

    /// <summary>Every plan, active or not, in storefront order (the order the storefront and the renewal pages use).</summary>
    public async Task<IReadOnlyList<AdminPlan>> ListAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var plans = await db.Plans.AsNoTracking().Include(p => p.Versions).ToListAsync(ct);
        return InStorefrontOrder(plans, now).Select(p => AdminPlan.Of(p, now)).ToList();
    }

    public async Task<AdminPlan?> GetAsync(Guid id, CancellationToken ct = default)
    {
        var plan = await db.Plans.AsNoTracking().Include(p => p.Versions).SingleOrDefaultAsync(p => p.Id == id, ct);
        return plan is null ? null : AdminPlan.Of(plan, clock.GetUtcNow());
    }

    /// <summary>Adds a plan at the end of the catalogue.</summary>
    public async Task<PlanResult> CreateAsync(NewPlan request, Actor actor, CancellationToken ct = default)
    {
        if (await db.Plans.AnyAsync(p => p.Code == request.Code, ct))
        {
            return new PlanResult(PlanRefusal.CodeTaken, null);
        }
        var now = clock.GetUtcNow();
        var last = await db.Plans.MaxAsync(p => (int?)p.SortOrder, ct) ?? 0;
        var plan = Plan.Create(request.Code, request.Name, request.Description, request.Terms, last + Plan.SortOrderStep, now);
        if (!request.Active)
        {
            plan.Deactivate();
        }
        db.Plans.Add(plan);
        var version = plan.VersionOnSaleAt(now);
        AuditLog.Record(db, actor, "plan.created", EntityType, plan.Id.ToString(), null,
            new { plan.Code, plan.Name, plan.Description, plan.IsActive, plan.SortOrder, terms = Snapshot(version) }, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return new PlanResult(PlanRefusal.CodeTaken, null); // another admin created the same code a moment ago
        }
        logger.LogInformation("Plan {PlanId} ({PlanCode}) created by {ActorId}", plan.Id, plan.Code, actor.UserId);
        return new PlanResult(null, AdminPlan.Of(plan, now), PlanRevisionOutcome.Revised);
    }

    /// <summary>
    /// Saves an admin's edit form: names and descriptions as they are, changed terms as a new version
    /// from now or from a later time. Refused, changing nothing, when the plan was saved by someone else
    /// after the form was shown (the result carries the plan as it is now).
    /// </summary>
    public async Task<PlanResult> UpdateAsync(Guid id, PlanEdit edit, Actor actor, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await LockAsync(id, ct) is not { } plan)
        {
            return new PlanResult(PlanRefusal.NotFound, null);
        }
        var now = clock.GetUtcNow();
        if (plan.Version != edit.Version)
        {
            return new PlanResult(PlanRefusal.ChangedMeanwhile, AdminPlan.Of(plan, now));
        }
        if (edit.EffectiveFrom is { } at && at <= now)
        {
            return new PlanResult(PlanRefusal.TimeHasPassed, AdminPlan.Of(plan, now));
        }
        var before = new { plan.Name, plan.Description };
        var onSale = plan.VersionOnSaleAt(now);
        var described = plan.Describe(edit.Name, edit.Description);
        var revision = plan.Revise(edit.Terms, edit.EffectiveFrom ?? now, now);
        if (revision.Outcome == PlanRevisionOutcome.RefusedWhileScheduled)
        {
            return new PlanResult(PlanRefusal.ChangeScheduled, AdminPlan.Of(plan, now));
        }
        if (!described && !revision.Changed)
        {
            return new PlanResult(null, AdminPlan.Of(plan, now));
        }
        if (described)
        {
            AuditLog.Record(db, actor, "plan.updated", EntityType, plan.Id.ToString(), before, new { plan.Name, plan.Description }, now);
        }
        if (revision.Outcome == PlanRevisionOutcome.Revised)
        {
            AuditLog.Record(db, actor, "plan.revised", EntityType, plan.Id.ToString(), Snapshot(onSale), Snapshot(revision.Added!), now);
        }
        else if (revision.Outcome == PlanRevisionOutcome.Scheduled)
        {
            AuditLog.Record(db, actor, "plan.scheduled", EntityType, plan.Id.ToString(),
                new { onSale = Snapshot(onSale), replaced = revision.Replaced is { } replaced ? Snapshot(replaced) : null },
                Snapshot(revision.Added!), now);
        }
        if (await SaveAsync(plan, ct) is { } refusal)
        {
            return await RefusedAsync(id, refusal, ct);
        }
        await transaction.CommitAsync(ct);
        logger.LogInformation("Plan {PlanId} saved by {ActorId}: {Revision}", plan.Id, actor.UserId, revision.Outcome);
        return new PlanResult(null, AdminPlan.Of(plan, now), revision.Outcome);
    }

    /// <summary>Cancels the scheduled change <paramref name="versionId"/> while it has not taken effect.</summary>
    public async Task<PlanResult> CancelScheduledChangeAsync(Guid id, Guid versionId, Actor actor, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await LockAsync(id, ct) is not { } plan)
        {
            return new PlanResult(PlanRefusal.NotFound, null);
        }
        var now = clock.GetUtcNow();
        var pending = plan.PendingVersion(now);
        if (pending is null || !plan.CancelPendingChange(versionId, now))
        {
            return new PlanResult(PlanRefusal.NotScheduled, AdminPlan.Of(plan, now));
        }
        AuditLog.Record(db, actor, "plan.schedule-cancelled", EntityType, plan.Id.ToString(), Snapshot(pending), null, now);
        if (await SaveAsync(plan, ct) is { } refusal)
        {
            return await RefusedAsync(id, refusal, ct);
        }
        await transaction.CommitAsync(ct);
        logger.LogInformation("Scheduled change {PlanVersionId} of plan {PlanId} cancelled by {ActorId}", versionId, plan.Id, actor.UserId);
        return new PlanResult(null, AdminPlan.Of(plan, now));
    }

    /// <summary>Puts a plan on sale (storefront, renewal pages, voucher batches) or takes it off; orders already placed are unaffected.</summary>
    public async Task<PlanResult> SetActiveAsync(Guid id, bool active, Actor actor, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await LockAsync(id, ct) is not { } plan)
        {
            return new PlanResult(PlanRefusal.NotFound, null);
        }
        var now = clock.GetUtcNow();
        if (active ? plan.Activate() : plan.Deactivate())
        {
            AuditLog.Record(db, actor, active ? "plan.activated" : "plan.deactivated", EntityType, plan.Id.ToString(),
                new { isActive = !active }, new { isActive = active }, now);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            logger.LogInformation("Plan {PlanId} {State} by {ActorId}", plan.Id, active ? "activated" : "deactivated", actor.UserId);
        }
        return new PlanResult(null, AdminPlan.Of(plan, now));
    }

    /// <summary>Moves a plan one place earlier (<paramref name="offset"/> -1) or later (+1) on the storefront.</summary>
    public async Task<PlanResult> MoveAsync(Guid id, int offset, Actor actor, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Moving renumbers the whole catalogue: lock every plan, so concurrent moves apply one after the other.
        await db.Database.ExecuteSqlAsync($"SELECT id FROM plans ORDER BY id FOR UPDATE", ct);
        var now = clock.GetUtcNow();
        var plans = InStorefrontOrder(await db.Plans.Include(p => p.Versions).ToListAsync(ct), now);
        if (plans.Find(p => p.Id == id) is not { } plan)
        {
            return new PlanResult(PlanRefusal.NotFound, null);
        }
        var before = new { plan.SortOrder, position = plans.IndexOf(plan) + 1 };
        if (Plan.Move(plans, plan, offset))
        {
            var after = new { plan.SortOrder, position = plans.IndexOf(plan) + 1 + offset };
            AuditLog.Record(db, actor, "plan.moved", EntityType, plan.Id.ToString(), before, after, now);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            logger.LogInformation("Plan {PlanId} moved to position {Position} by {ActorId}", plan.Id, after.position, actor.UserId);
        }
        return new PlanResult(null, AdminPlan.Of(plan, now));
    }

    /// <summary>The storefront's order: place, then the days of the version on sale, then the code.</summary>
    private static List<Plan> InStorefrontOrder(IEnumerable<Plan> plans, DateTimeOffset now) =>
        plans.OrderBy(p => p.SortOrder).ThenBy(p => p.VersionOnSaleAt(now).ValidityDays).ThenBy(p => p.Code, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Locks the plan's row for this transaction and loads it with its versions. A concurrent save of
    /// the same plan waits here until this one commits, and then reads the row version it left.
    /// </summary>
    private async Task<Plan?> LockAsync(Guid id, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"SELECT id FROM plans WHERE id = {id} FOR UPDATE", ct);
        return await db.Plans.Include(p => p.Versions).SingleOrDefaultAsync(p => p.Id == id, ct);
    }

    /// <summary>
    /// Saves with the plan's row updated even when only its versions changed, so its row version moves
    /// and a form showing the old one is refused. A scheduled version deleted at the instant it took
    /// effect, and was sold, is kept by its foreign keys: that is reported, not thrown.
    /// </summary>
    private async Task<PlanRefusal?> SaveAsync(Plan plan, CancellationToken ct)
    {
        db.Entry(plan).State = EntityState.Modified;
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return PlanRefusal.ChangedMeanwhile;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation })
        {
            return PlanRefusal.NotScheduled;
        }
    }

    private async Task<PlanResult> RefusedAsync(Guid id, PlanRefusal refusal, CancellationToken ct)
    {
        await db.Database.RollbackTransactionAsync(ct);
        db.ChangeTracker.Clear();
        return new PlanResult(refusal, await GetAsync(id, ct));
    }

    /// <summary>A version's terms for the audit log (plain numbers; no secrets in a plan).</summary>
    private static object Snapshot(PlanVersion version) => new
    {
        versionId = version.Id,
        version.Number,
        priceYen = version.Price.Amount,
        version.DataMb,
        version.DailyFairUseMb,
        version.ValidityDays,
        simKinds = version.SimKinds.ToString(),
        version.EffectiveFrom,
    };
}
