using EsimRenewal.Core.Plans;
using EsimRenewal.Web.Vouchers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Admin.Plans;

/// <summary>
/// <c>/admin/plans</c>: every plan, active or not, in storefront order, with the terms on sale and any
/// scheduled change; move a plan up or down, activate or deactivate it.
/// </summary>
public sealed class IndexModel(PlanAdminService plans, IStringLocalizer<SharedResource> t) : PageModel
{
    public IReadOnlyList<AdminPlan> Plans { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Plans = await plans.ListAsync(ct);

    public async Task<IActionResult> OnPostMoveUpAsync(Guid id, CancellationToken ct) =>
        Done(await plans.MoveAsync(id, -1, this.ActorFor(), ct), "Admin.Plans.Moved");

    public async Task<IActionResult> OnPostMoveDownAsync(Guid id, CancellationToken ct) =>
        Done(await plans.MoveAsync(id, +1, this.ActorFor(), ct), "Admin.Plans.Moved");

    public async Task<IActionResult> OnPostActivateAsync(Guid id, CancellationToken ct) =>
        Done(await plans.SetActiveAsync(id, active: true, this.ActorFor(), ct), "Admin.Plans.Activated");

    public async Task<IActionResult> OnPostDeactivateAsync(Guid id, CancellationToken ct) =>
        Done(await plans.SetActiveAsync(id, active: false, this.ActorFor(), ct), "Admin.Plans.Deactivated");

    /// <summary>The only refusal of these actions is an unknown plan.</summary>
    private IActionResult Done(PlanResult result, string message)
    {
        if (!result.Succeeded)
        {
            return NotFound();
        }
        TempData["StatusMessage"] = t[message, result.Plan!.Code].Value;
        return RedirectToPage();
    }
}
