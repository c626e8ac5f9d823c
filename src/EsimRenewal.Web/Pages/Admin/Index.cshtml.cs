using EsimRenewal.Core.Reporting;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Pages.Admin;

/// <summary><c>/admin</c>: where an admin lands: the last 30 days in JST and what needs attention, each linking to its list.</summary>
public sealed class IndexModel(DashboardService dashboard) : PageModel
{
    public Dashboard Figures { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => Figures = await dashboard.GetAsync(ct);
}
