using EsimRenewal.Core.Vouchers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Pages.Staff;

/// <summary><c>/staff/redeem/slip/{id}</c>: the printable confirmation of a redemption, for the customer.</summary>
public sealed class SlipModel(VoucherRedemptionService vouchers) : PageModel
{
    public RedemptionSlip Slip { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await vouchers.GetSlipAsync(id, ct) is not { } slip)
        {
            return NotFound();
        }
        Slip = slip;
        return Page();
    }
}
