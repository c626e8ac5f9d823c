namespace EsimRenewal.StripeEmulator.Infrastructure;

/// <summary>
/// Stripe's list parameters: <c>limit</c> (1–100, default 10), <c>starting_after</c>, <c>ending_before</c>
/// and <c>created</c> (exact, or <c>created[gt|gte|lt|lte]</c>). Lists are newest first.
/// </summary>
public sealed record ListQuery(int Limit, string? StartingAfter, string? EndingBefore, long? CreatedGt, long? CreatedGte, long? CreatedLt, long? CreatedLte)
{
    public static ListQuery Read(FormNode parameters)
    {
        var limit = parameters.OptionalInteger("limit", minimum: 1) ?? 10;
        if (limit > 100)
        {
            throw StripeApiException.Invalid("This value must be less than or equal to 100.", "limit", "parameter_invalid_integer");
        }

        long? gt = null, gte = null, lt = null, lte = null;
        if (parameters["created"] is { IsMap: true } created)
        {
            gt = created.OptionalInteger("gt");
            gte = created.OptionalInteger("gte");
            lt = created.OptionalInteger("lt");
            lte = created.OptionalInteger("lte");
        }
        else if (parameters.OptionalInteger("created") is { } exact)
        {
            gte = exact;
            lte = exact;
        }

        return new ListQuery(
            (int)limit,
            parameters.OptionalString("starting_after"),
            parameters.OptionalString("ending_before"),
            gt,
            gte,
            lt,
            lte);
    }

    public bool Matches(DateTimeOffset created)
    {
        var unix = created.ToUnixTimeSeconds();
        return (CreatedGt is null || unix > CreatedGt)
            && (CreatedGte is null || unix >= CreatedGte)
            && (CreatedLt is null || unix < CreatedLt)
            && (CreatedLte is null || unix <= CreatedLte);
    }

    /// <summary>
    /// One page of <paramref name="newestFirst"/> (already filtered), and whether more lie beyond it.
    /// A cursor is any existing object of the kind, found through <paramref name="sequenceOf"/>.
    /// </summary>
    public (IReadOnlyList<T> Page, bool HasMore) Page<T>(
        IReadOnlyList<T> newestFirst, Func<T, long> sequence, Func<string, long?> sequenceOf, string objectName)
    {
        if (EndingBefore is not null)
        {
            var cursor = CursorSequence(EndingBefore, sequenceOf, objectName, "ending_before");
            var newer = newestFirst.Where(item => sequence(item) > cursor).ToList();
            var skip = Math.Max(0, newer.Count - Limit);
            return (newer.Skip(skip).ToList(), skip > 0);
        }

        var after = StartingAfter is null ? long.MaxValue : CursorSequence(StartingAfter, sequenceOf, objectName, "starting_after");
        var older = newestFirst.Where(item => sequence(item) < after).ToList();
        return (older.Take(Limit).ToList(), older.Count > Limit);
    }

    private static long CursorSequence(string cursor, Func<string, long?> sequenceOf, string objectName, string param) =>
        sequenceOf(cursor) ?? throw StripeApiException.NoSuchParam(objectName, cursor, param);
}
