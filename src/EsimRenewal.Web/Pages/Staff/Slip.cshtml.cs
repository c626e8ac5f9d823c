using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Pages.Staff;

/// <summary>
/// <c>/staff/redeem/slip/{id}</c>: the printable confirmation of a redemption, for the customer. A staff
/// member opens the slips of their own desk's redemptions only (404 for any other); admins open all.
/// It prints on A4; <c>?paper=80mm</c> lays it out (and prints it) for an 80 mm receipt printer.
/// </summary>
public sealed class SlipModel(VoucherRedemptionService vouchers) : PageModel
{
    public const string ReceiptRoll = "80mm";

    public RedemptionSlip Slip { get; private set; } = null!;

    /// <summary>Laid out for an 80 mm receipt printer rather than A4.</summary>
    public bool OnReceiptRoll { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? paper, CancellationToken ct)
    {
        OnReceiptRoll = paper == ReceiptRoll;
        if (await vouchers.GetSlipAsync(id, User.Id(), User.IsInRole(Roles.Admin), ct) is not { } slip)
        {
            return NotFound();
        }
        Slip = slip;
        return Page();
    }
}
