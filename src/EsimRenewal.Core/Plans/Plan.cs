using EsimRenewal.Core.Common;

namespace EsimRenewal.Core.Plans;

/// <summary>What a revision of a plan's terms did.</summary>
public enum PlanRevisionOutcome
{
    /// <summary>The terms are those on sale (or those already scheduled, for the same time): nothing changed.</summary>
    Unchanged,

    /// <summary>A new version is on sale from now.</summary>
    Revised,

    /// <summary>A new version goes on sale at a later time (replacing a change scheduled before, if any).</summary>
    Scheduled,

    /// <summary>
    /// Refused: a change is scheduled, and a change from now would be overtaken by it. Cancel the
    /// scheduled change first, or schedule this one instead (which replaces it).
    /// </summary>
    RefusedWhileScheduled,
}

/// <param name="Added">The new version (revised or scheduled).</param>
/// <param name="Replaced">The scheduled version that a new schedule replaced; it was never on sale and is gone.</param>
/// <param name="Pending">For a refusal: the change that is scheduled.</param>
public sealed record PlanRevision(PlanRevisionOutcome Outcome, PlanVersion? Added = null, PlanVersion? Replaced = null, PlanVersion? Pending = null)
{
    public bool Changed => Outcome is PlanRevisionOutcome.Revised or PlanRevisionOutcome.Scheduled;
}

/// <summary>A plan on the catalogue. Its terms live in versions; its names and order do not.</summary>
public sealed class Plan
{
    public const int CodeMaxLength = 40;

    /// <summary>The gap between neighbours when the catalogue is renumbered (10, 20, 30…).</summary>
    public const int SortOrderStep = 10;

    private readonly List<PlanVersion> _versions = [];

    private Plan()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>The URL code: <c>/plans/{code}</c>. Lower-case letters, digits and hyphens.</summary>
    public string Code { get; private set; } = "";
    public LocalizedText Name { get; private set; } = null!;
    public LocalizedText Description { get; private set; } = null!;
    public bool IsActive { get; private set; }

    /// <summary>Place on the storefront and the renewal pages (ascending).</summary>
    public int SortOrder { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Optimistic concurrency token (PostgreSQL xmin): every saved change to a plan moves it.</summary>
    public uint Version { get; private set; }

    public IReadOnlyCollection<PlanVersion> Versions => _versions;

    public static bool IsValidCode(string? code) =>
        !string.IsNullOrEmpty(code)
        && code.Length <= CodeMaxLength
        && code.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')
        && code[0] != '-' && code[^1] != '-';

    /// <summary>A name or description: text in each language, none blank, none longer than <see cref="LocalizedText.MaxLength"/>.</summary>
    public static bool IsValidText(LocalizedText? text) =>
        text is not null && new[] { text.ZhHans, text.Ja, text.En }.All(s => !string.IsNullOrWhiteSpace(s) && s.Length <= LocalizedText.MaxLength);

    public static Plan Create(string code, LocalizedText name, LocalizedText description, PlanTerms terms, int sortOrder, DateTimeOffset now)
    {
        if (!IsValidCode(code))
        {
            throw new ArgumentException($"'{code}' is not a valid plan code.", nameof(code));
        }
        EnsureValid(name, description);
        EnsureValid(terms);
        var plan = new Plan
        {
            Id = Guid.CreateVersion7(now),
            Code = code,
            Name = name,
            Description = description,
            IsActive = true,
            SortOrder = sortOrder,
            CreatedAt = now,
        };
        plan._versions.Add(new PlanVersion(plan, 1, terms, now, now));
        return plan;
    }

    /// <summary>
    /// The version on sale at <paramref name="at"/>: the latest whose <see cref="PlanVersion.EffectiveFrom"/>
    /// has come. Requires <see cref="Versions"/> to be loaded. The same rule as <see cref="PlanVersion.OnSaleAt"/>.
    /// </summary>
    public PlanVersion VersionOnSaleAt(DateTimeOffset at) =>
        _versions.Where(v => v.EffectiveFrom <= at).OrderByDescending(v => v.EffectiveFrom).ThenByDescending(v => v.Number).FirstOrDefault()
        ?? throw new InvalidOperationException($"Plan {Code} was not on sale yet at {at:O}.");

    /// <summary>The scheduled change that has not taken effect at <paramref name="now"/>; a plan has at most one.</summary>
    public PlanVersion? PendingVersion(DateTimeOffset now) => _versions.SingleOrDefault(v => v.EffectiveFrom > now);

    /// <summary>Names and descriptions are not versioned: receipts show the terms as sold, with the plan's name.</summary>
    public bool Describe(LocalizedText name, LocalizedText description)
    {
        EnsureValid(name, description);
        if (Name == name && Description == description)
        {
            return false;
        }
        Name = name;
        Description = description;
        return true;
    }

    /// <summary>
    /// Changes the terms on sale from <paramref name="effectiveFrom"/>: <paramref name="now"/> for at
    /// once, or a later time for a scheduled change. Changed terms add a version; the versions sold
    /// before stay as they are, and past orders and issued vouchers keep pointing at them. A plan has
    /// at most one scheduled change: a new one replaces it (the replaced version was never on sale and
    /// is removed), and a change from now is refused while one is scheduled.
    /// </summary>
    public PlanRevision Revise(PlanTerms terms, DateTimeOffset effectiveFrom, DateTimeOffset now)
    {
        EnsureValid(terms);
        if (effectiveFrom < now)
        {
            throw new ArgumentOutOfRangeException(nameof(effectiveFrom), effectiveFrom, "A change cannot take effect in the past.");
        }
        var onSale = VersionOnSaleAt(now);
        var pending = PendingVersion(now);
        if (terms == onSale.Terms || (pending is not null && pending.Terms == terms && pending.EffectiveFrom == effectiveFrom))
        {
            return new PlanRevision(PlanRevisionOutcome.Unchanged);
        }
        var scheduled = effectiveFrom > now;
        if (!scheduled && pending is not null)
        {
            return new PlanRevision(PlanRevisionOutcome.RefusedWhileScheduled, Pending: pending);
        }
        var next = new PlanVersion(this, _versions.Max(v => v.Number) + 1, terms, effectiveFrom, now);
        if (pending is not null)
        {
            _versions.Remove(pending);
        }
        _versions.Add(next);
        return new PlanRevision(scheduled ? PlanRevisionOutcome.Scheduled : PlanRevisionOutcome.Revised, next, pending);
    }

    /// <summary>
    /// Cancels the scheduled change <paramref name="versionId"/> while it has not taken effect; it
    /// was never on sale and is removed. False when that change is not (or no longer) pending.
    /// </summary>
    public bool CancelPendingChange(Guid versionId, DateTimeOffset now)
    {
        if (PendingVersion(now) is not { } pending || pending.Id != versionId)
        {
            return false;
        }
        _versions.Remove(pending);
        return true;
    }

    public bool Activate()
    {
        var changed = !IsActive;
        IsActive = true;
        return changed;
    }

    public bool Deactivate()
    {
        var changed = IsActive;
        IsActive = false;
        return changed;
    }

    /// <summary>
    /// Moves <paramref name="plan"/> <paramref name="offset"/> places (negative: earlier) in
    /// <paramref name="ordered"/>, the whole catalogue in storefront order, and renumbers every plan
    /// 10, 20, 30… so no two share a place. False (nothing changes) when it is already at that end.
    /// </summary>
    public static bool Move(IReadOnlyList<Plan> ordered, Plan plan, int offset)
    {
        var list = ordered.ToList();
        var from = list.IndexOf(plan);
        if (from < 0)
        {
            throw new ArgumentException("The plan is not in the list.", nameof(plan));
        }
        var to = from + offset;
        if (offset == 0 || to < 0 || to >= list.Count)
        {
            return false;
        }
        list.RemoveAt(from);
        list.Insert(to, plan);
        for (var i = 0; i < list.Count; i++)
        {
            list[i].SortOrder = (i + 1) * SortOrderStep;
        }
        return true;
    }

    private static void EnsureValid(LocalizedText name, LocalizedText description)
    {
        if (!IsValidText(name) || !IsValidText(description))
        {
            throw new ArgumentException($"A plan's name and description need text in each language, up to {LocalizedText.MaxLength} characters.");
        }
    }

    private static void EnsureValid(PlanTerms terms)
    {
        if (terms.Problem() is { } problem)
        {
            throw new ArgumentException($"Plan terms are invalid: {problem}.", nameof(terms));
        }
    }
}
