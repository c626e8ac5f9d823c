using EsimRenewal.Core.Plans;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Plans;
using EsimRenewal.Web.Vouchers;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Admin.Plans;

/// <summary><c>/admin/plans/new</c>: a new plan, added at the end of the storefront; on sale at once or kept inactive.</summary>
public sealed class CreateModel(PlanAdminService plans, IValidator<CreateModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel : PlanForm
    {
        /// <summary>The URL code (<c>/plans/{code}</c>); it cannot be changed later.</summary>
        public string? Code { get; set; }

        /// <summary>Check box: on sale as soon as it is created.</summary>
        public string? Active { get; set; }

        public string TrimmedCode() => Code?.Trim() ?? "";
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            Include(new PlanFormValidator(t));
            RuleFor(x => x.Code).Must(code => Plan.IsValidCode(code?.Trim()))
                .WithMessage(t["Admin.Plans.CodeInvalid", Plan.CodeMaxLength]);
            RuleFor(x => x.Active).Must(v => PlanInput.TryParseCheckbox(v, out _)).WithMessage(t["Admin.Plans.CheckboxInvalid"]);
        }
    }

    public void OnGet()
    {
        Input = new InputModel { DataKind = PlanForm.Limited, Physical = "true", Esim = "true" };
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(Input, ct);
        if (!validation.IsValid)
        {
            validation.AddTo(ModelState, nameof(Input));
            return Page();
        }
        var request = new NewPlan(Input.TrimmedCode(), Input.ToName(), Input.ToDescription(), Input.ToTerms(), PlanForm.IsTicked(Input.Active));
        var result = await plans.CreateAsync(request, this.ActorFor(), ct);
        if (!result.Succeeded)
        {
            ModelState.AddModelError("Input.Code", t["Admin.Plans.CodeTaken", request.Code]);
            return Page();
        }
        TempData["StatusMessage"] = t["Admin.Plans.Created", result.Plan!.Code].Value;
        return RedirectToPage("/Admin/Plans/Index");
    }
}
