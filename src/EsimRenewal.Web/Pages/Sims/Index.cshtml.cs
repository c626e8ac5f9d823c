using EsimRenewal.Core.Sims;
using EsimRenewal.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Pages.Sims;

/// <summary><c>/sims</c>: the signed-in traveller's SIMs with their status.</summary>
public sealed class IndexModel(SimService sims, TimeProvider clock) : PageModel
{
    public IReadOnlyList<SimSummary> Sims { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        Sims = await sims.ListForOwnerAsync(User.Id(), ct);
    }
}
