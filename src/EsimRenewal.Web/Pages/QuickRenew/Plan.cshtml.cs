using EsimRenewal.Core.Payments;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Orders;
using EsimRenewal.Web.Payments;
using EsimRenewal.Web.Sims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.QuickRenew;

/// <summary>
/// <c>/quick-renew/plan</c>: with a valid ticket (the SIM was proved on <c>/quick-renew</c>), choose a
/// plan with its exact new expiry and pay through Stripe Checkout; the order page follows through its
/// signed link.
/// </summary>
public sealed class PlanModel(CheckoutService checkout, QuickRenewalTickets tickets, OrderLinks links, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public RenewalChoice Choice { get; private set; } = null!;

    public sealed class InputModel
    {
        public Guid? PlanVersionId { get; set; }

        /// <summary>Minted when the page is shown; a double submit is the same purchase.</summary>
        public Guid RequestId { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Input.RequestId = Guid.NewGuid();
        return await LoadAsync(ct) ? Page() : StartOver();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (tickets.Read(HttpContext) is not { } simId)
        {
            return StartOver();
        }
        if (Input.PlanVersionId is { } planVersionId)
        {
            var start = await checkout.StartVerifiedRenewalAsync(PurchaseRequests.ForGuest(this, Input.RequestId, links), simId, planVersionId, ct);
            switch (start.Status)
            {
                case CheckoutStartStatus.Pay:
                    return Redirect(start.Url!);
                case CheckoutStartStatus.ShowOrder:
                    return LocalRedirect(links.PathTo(start.OrderId!.Value));
                case CheckoutStartStatus.ProviderUnavailable:
                    this.Notice(t["Payment.Unavailable"].Value);
                    return LocalRedirect(links.PathTo(start.OrderId!.Value));
                case CheckoutStartStatus.TooManyOpen:
                    this.Notice(t["Checkout.TooManyOpenForSim"].Value);
                    return LocalRedirect(links.PathTo(start.OrderId!.Value));
                case CheckoutStartStatus.Busy:
                    ModelState.AddModelError("", t["Checkout.Busy"]); // the same request id, so trying again is the same purchase
                    break;
                case CheckoutStartStatus.NotFound:
                    return StartOver();
                default:
                    ModelState.AddModelError("Input.PlanVersionId", t["Renew.PlanNotAvailable"]);
                    break;
            }
        }
        else
        {
            ModelState.AddModelError("Input.PlanVersionId", t["Renew.ChoosePlan"]);
        }
        if (Input.RequestId == Guid.Empty)
        {
            Input.RequestId = Guid.NewGuid();
        }
        return await LoadAsync(ct) ? Page() : StartOver();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (tickets.Read(HttpContext) is not { } simId || await checkout.GetVerifiedRenewalChoiceAsync(simId, ct) is not { } choice)
        {
            return false;
        }
        Choice = choice;
        return true;
    }

    private RedirectToPageResult StartOver()
    {
        TempData["StatusMessage"] = t["QuickRenew.TicketExpired"].Value;
        return RedirectToPage("/QuickRenew/Index");
    }
}
