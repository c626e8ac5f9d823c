using EsimRenewal.Core.Common;

namespace EsimRenewal.Core.Plans;

/// <summary>A plan on the catalogue. Its terms live in versions; its names and order do not.</summary>
public sealed class Plan
{
    public const int CodeMaxLength = 40;

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
    public int SortOrder { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public IReadOnlyCollection<PlanVersion> Versions => _versions;

    /// <summary>The version on sale now. Requires <see cref="Versions"/> to be loaded.</summary>
    public PlanVersion CurrentVersion => _versions.Single(v => v.IsCurrent);

    public static bool IsValidCode(string? code) =>
        !string.IsNullOrEmpty(code)
        && code.Length <= CodeMaxLength
        && code.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')
        && code[0] != '-' && code[^1] != '-';

    public static Plan Create(string code, LocalizedText name, LocalizedText description, PlanTerms terms, int sortOrder, DateTimeOffset now)
    {
        if (!IsValidCode(code))
        {
            throw new ArgumentException($"'{code}' is not a valid plan code.", nameof(code));
        }
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
        plan._versions.Add(new PlanVersion(plan, 1, terms, now));
        return plan;
    }

    /// <summary>
    /// Changes the terms on sale. Unchanged terms keep the current version; changed terms add a new
    /// version and retire the old one, which past orders and issued vouchers keep pointing at.
    /// </summary>
    public PlanVersion Revise(PlanTerms terms, DateTimeOffset now)
    {
        EnsureValid(terms);
        var current = CurrentVersion;
        if (current.Terms == terms)
        {
            return current;
        }
        current.Supersede();
        var next = new PlanVersion(this, _versions.Max(v => v.Number) + 1, terms, now);
        _versions.Add(next);
        return next;
    }

    public void Activate() => IsActive = true;

    public void Deactivate() => IsActive = false;

    private static void EnsureValid(PlanTerms terms)
    {
        if (terms.Problem() is { } problem)
        {
            throw new ArgumentException($"Plan terms are invalid: {problem}.", nameof(terms));
        }
    }
}
