using System.Globalization;
using EsimRenewal.Core.Payments;
using EsimRenewal.Core.Plans;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Payments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using EsimRenewal.Web.Plans;
using Microsoft.AspNetCore.OutputCaching;

namespace EsimRenewal.Web.Pages.Plans;

/// <summary>One plan: <c>/plans/{code}</c>; 404 for unknown, malformed or inactive codes. Signed-in travellers buy a new eSIM here.</summary>
[CataloguePage]
[OutputCache(PolicyName = CatalogueCache.PolicyName)]
public sealed class DetailsModel(CatalogService catalog, CheckoutService checkout, IStringLocalizer<SharedResource> t) : PageModel
{
    public PlanDetails Plan { get; private set; } = null!;

    /// <summary>Minted when the page is shown; a double submit is the same purchase.</summary>
    [BindProperty]
    public Guid RequestId { get; set; }

    /// <summary>The version whose price the page showed: after a price change it is no longer on sale, and the page shows the new one.</summary>
    [BindProperty]
    public Guid PlanVersionId { get; set; }

    public bool FitsEsim => (Plan.SimKinds & SimKinds.Esim) != 0;

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken ct)
    {
        if (await catalog.FindActiveAsync(code, CultureInfo.CurrentUICulture, ct) is not { } plan)
        {
            return NotFound();
        }
        Plan = plan;
        RequestId = Guid.NewGuid();
        PlanVersionId = plan.PlanVersionId;
        return Page();
    }

    public async Task<IActionResult> OnPostBuyAsync(string code, CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge();
        }
        if (await catalog.FindActiveAsync(code, CultureInfo.CurrentUICulture, ct) is not { } plan)
        {
            return NotFound();
        }
        if (PlanVersionId != Guid.Empty && PlanVersionId != plan.PlanVersionId)
        {
            return ChangedMeanwhile(code);
        }
        var start = await checkout.StartNewEsimAsync(PurchaseRequests.For(this, RequestId), plan.PlanVersionId, ct);
        return start.Status switch
        {
            CheckoutStartStatus.Pay => Redirect(start.Url!),
            CheckoutStartStatus.ShowOrder => RedirectToPage("/Orders/Details", new { id = start.OrderId }),
            CheckoutStartStatus.ProviderUnavailable => ProviderUnavailable(start.OrderId!.Value),
            CheckoutStartStatus.TooManyOpen => TooManyOpen(),
            CheckoutStartStatus.Busy => Busy(code),
            _ => RedirectToPage(new { code }),
        };
    }

    /// <summary>Stripe could not be reached: the order waits unpaid on its page, where paying can be tried again.</summary>
    private RedirectToPageResult ProviderUnavailable(Guid orderId)
    {
        this.Notice(t["Payment.Unavailable"].Value);
        return RedirectToPage("/Orders/Details", new { id = orderId });
    }

    /// <summary>Unpaid checkouts are already open: the orders page lists them, to pay or cancel one.</summary>
    private RedirectToPageResult TooManyOpen()
    {
        this.Notice(t["Checkout.TooManyOpen"].Value);
        return RedirectToPage("/Orders/Index");
    }

    /// <summary>Another checkout step of this account took too long to finish: nothing changed, the plan is shown again to try again.</summary>
    private RedirectToPageResult Busy(string code)
    {
        this.Notice(t["Checkout.Busy"].Value);
        return RedirectToPage(new { code });
    }

    /// <summary>The terms shown are no longer on sale (a price change took effect): show the page again, with the new terms.</summary>
    private RedirectToPageResult ChangedMeanwhile(string code)
    {
        TempData["StatusMessage"] = t["Plan.ChangedMeanwhile"].Value;
        return RedirectToPage(new { code });
    }
}
