using EsimRenewal.Core.Payments;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Payments;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Sims;

/// <summary><c>/sims/{id}/renew</c>: pick a plan, see exactly what paying does, pay through Stripe Checkout.</summary>
public sealed class RenewModel(CheckoutService checkout, IValidator<RenewModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
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

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.PlanVersionId).NotEmpty().WithMessage(t["Renew.ChoosePlan"]);
        }
    }

    public async Task<IActionResult> OnGetAsync(Guid id, Guid? plan, CancellationToken ct)
    {
        Input = new InputModel { PlanVersionId = plan, RequestId = Guid.NewGuid() };
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(Input, ct);
        if (validation.IsValid)
        {
            var start = await checkout.StartRenewalAsync(PurchaseRequests.For(this, Input.RequestId), id, Input.PlanVersionId!.Value, ct);
            switch (start.Status)
            {
                case CheckoutStartStatus.Pay:
                    return Redirect(start.Url!);
                case CheckoutStartStatus.ShowOrder:
                    return RedirectToPage("/Orders/Details", new { id = start.OrderId });
                case CheckoutStartStatus.ProviderUnavailable:
                    this.Notice(t["Payment.Unavailable"].Value);
                    return RedirectToPage("/Orders/Details", new { id = start.OrderId });
                case CheckoutStartStatus.TooManyOpen:
                    this.Notice(t["Checkout.TooManyOpen"].Value);
                    return RedirectToPage("/Orders/Index");
                case CheckoutStartStatus.Busy:
                    ModelState.AddModelError("", t["Checkout.Busy"]); // the same request id, so trying again is the same purchase
                    break;
                case CheckoutStartStatus.NotFound:
                    return NotFound();
                default:
                    ModelState.AddModelError("Input.PlanVersionId", t["Renew.PlanNotAvailable"]);
                    break;
            }
        }
        else
        {
            validation.AddTo(ModelState, nameof(Input));
        }
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid simId, CancellationToken ct)
    {
        if (await checkout.GetRenewalChoiceAsync(User.Id(), simId, ct) is not { } choice)
        {
            return false;
        }
        Choice = choice;
        return true;
    }
}
