using System.Globalization;
using EsimRenewal.Core.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using EsimRenewal.Web.Plans;
using Microsoft.AspNetCore.OutputCaching;

namespace EsimRenewal.Web.Pages;

/// <summary>The storefront: active plans, filtered by duration and SIM kind.</summary>
[CataloguePage]
[OutputCache(PolicyName = CatalogueCache.PolicyName)]
public sealed class IndexModel(CatalogService catalog) : PageModel
{
    /// <summary>Filter values from the query string; unknown values mean "any".</summary>
    [BindProperty(SupportsGet = true)]
    public string? Duration { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    public IReadOnlyList<PlanCard> Plans { get; private set; } = [];

    public DurationBand? DurationFilter => Enum.TryParse<DurationBand>(Duration, ignoreCase: true, out var d) && Enum.IsDefined(d) ? d : null;

    public SimKind? KindFilter => Enum.TryParse<SimKind>(Kind, ignoreCase: true, out var k) && Enum.IsDefined(k) ? k : null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Plans = await catalog.ListActiveAsync(new CatalogFilter(DurationFilter, KindFilter), CultureInfo.CurrentUICulture, ct);
    }
}
