using System.Globalization;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>The "← Previous · Page N · Next →" links under a list shown a page at a time (Pages/Shared/_Pager.cshtml).</summary>
/// <param name="Link">The address of another page of the same list.</param>
public sealed record Pager(int Page, bool HasNext, Func<int, string> Link)
{
    /// <summary>The highest page number accepted from a link; anything else is not a page.</summary>
    public const int MaxPage = 100_000;

    /// <summary>The page number in a <c>?page=</c> value: none is page 1; text, zero or a number past <see cref="MaxPage"/> is no page at all.</summary>
    public static int? Parse(string? text) =>
        string.IsNullOrEmpty(text) ? 1
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxPage ? n
        : null;
}
