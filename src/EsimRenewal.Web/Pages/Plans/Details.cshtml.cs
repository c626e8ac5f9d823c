using EsimRenewal.Core.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Pages.Plans;

/// <summary>One plan: <c>/plans/{code}</c>; 404 for unknown, malformed or inactive codes.</summary>
public sealed class DetailsModel(CatalogService catalog) : PageModel
{
    public PlanCard Plan { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken ct)
    {
        if (await catalog.FindActiveAsync(code, ct) is not { } plan)
        {
            return NotFound();
        }
        Plan = plan;
        return Page();
    }
}
