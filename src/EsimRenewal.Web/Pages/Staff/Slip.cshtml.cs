using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Pages.Staff;

/// <summary>
/// <c>/staff/redeem/slip/{id}</c>: the printable confirmation of a redemption, for the customer. A staff
/// member opens the slips of their own desk's redemptions only (404 for any other); admins open all.
/// </summary>
public sealed class SlipModel(VoucherRedemptionService vouchers) : PageModel
{
    public RedemptionSlip Slip { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await vouchers.GetSlipAsync(id, User.Id(), User.IsInRole(Roles.Admin), ct) is not { } slip)
        {
            return NotFound();
        }
        Slip = slip;
        return Page();
    }
}
