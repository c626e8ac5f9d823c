using System.Globalization;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Plans;
using EsimRenewal.Web.Vouchers;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Admin.Plans;

/// <summary>
/// <c>/admin/plans/{id}</c>: names and descriptions, and the terms on sale. Changed terms become a new
/// plan version, from now or from a chosen time in Japan (a scheduled change, which can be cancelled
/// until then). A save over someone else's newer save is refused and shows what they saved.
/// </summary>
public sealed class EditModel(PlanAdminService plans, IValidator<EditModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public AdminPlan Plan { get; private set; } = null!;

    /// <summary>After a refused save: the plan as the other admin saved it.</summary>
    public AdminPlan? Conflict { get; private set; }

    public sealed class InputModel : PlanForm
    {
        /// <summary>Empty: the changed terms apply now. Else a time in Japan (a datetime-local value) for a scheduled change.</summary>
        public string? EffectiveFrom { get; set; }

        /// <summary>The plan's row version when the form was shown (hidden field).</summary>
        public string? Version { get; set; }

        /// <summary>A method, not a property: MVC's model validation reads every property of a bound model, even after a bad post.</summary>
        public uint ParsedVersion() => uint.Parse(Version!, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        /// <summary>How far ahead a change can be scheduled.</summary>
        public static readonly TimeSpan Horizon = TimeSpan.FromDays(2 * 365);

        public Validator(IStringLocalizer<SharedResource> t, TimeProvider clock)
        {
            Include(new PlanFormValidator(t));
            RuleFor(x => x.EffectiveFrom)
                .Must(text => PlanInput.ParseJst(text) is { } at && at > clock.GetUtcNow() && at <= clock.GetUtcNow() + Horizon)
                .When(x => !string.IsNullOrWhiteSpace(x.EffectiveFrom))
                .WithMessage(t["Admin.Plans.EffectiveFromInvalid"]);
            RuleFor(x => x.Version)
                .Must(v => uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                .WithMessage(t["Admin.Plans.FormOutOfDate"]);
        }
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Fill(Plan);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(Input, ct);
        if (!validation.IsValid)
        {
            validation.AddTo(ModelState, nameof(Input));
            return await LoadAsync(id, ct) ? Page() : NotFound();
        }
        var edit = new PlanEdit(Input.ParsedVersion(), Input.ToName(), Input.ToDescription(), Input.ToTerms(), PlanInput.ParseJst(Input.EffectiveFrom));
        var result = await plans.UpdateAsync(id, edit, this.ActorFor(), ct);
        if (result.Succeeded)
        {
            var plan = result.Plan!;
            TempData["StatusMessage"] = result.Revision switch
            {
                PlanRevisionOutcome.Revised => t["Admin.Plans.Revised", plan.Code, PlanText.Terms(t, plan.OnSale.Terms)].Value,
                PlanRevisionOutcome.Scheduled => t["Admin.Plans.Scheduled", plan.Code, Jst.Format(plan.Scheduled!.EffectiveFrom)].Value,
                _ => t["Admin.Plans.Saved", plan.Code].Value,
            };
            return RedirectToPage("/Admin/Plans/Index");
        }
        if (result.Plan is null)
        {
            return NotFound();
        }
        Plan = result.Plan;
        switch (result.Refusal)
        {
            case PlanRefusal.ChangedMeanwhile:
                // Keep what this admin typed; show what the other saved; the next save (with the new row version) replaces it.
                Conflict = result.Plan;
                ModelState.Remove("Input.Version");
                Input.Version = result.Plan.Version.ToString(CultureInfo.InvariantCulture);
                ModelState.AddModelError(string.Empty, t["Admin.Plans.ChangedMeanwhile"]);
                break;
            case PlanRefusal.ChangeScheduled:
                ModelState.AddModelError("Input.EffectiveFrom", t["Admin.Plans.ChangeAlreadyScheduled", Jst.Format(result.Plan.Scheduled!.EffectiveFrom)]);
                break;
            default:
                ModelState.AddModelError("Input.EffectiveFrom", t["Admin.Plans.EffectiveFromInvalid"]);
                break;
        }
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    /// <summary>Cancels the scheduled change shown on the page (its version id comes with the form).</summary>
    public async Task<IActionResult> OnPostCancelScheduleAsync(Guid id, Guid scheduledVersionId, CancellationToken ct)
    {
        var result = await plans.CancelScheduledChangeAsync(id, scheduledVersionId, this.ActorFor(), ct);
        if (result.Succeeded)
        {
            TempData["StatusMessage"] = t["Admin.Plans.ScheduleCancelled", result.Plan!.Code].Value;
            return RedirectToPage(new { id });
        }
        if (result.Plan is null)
        {
            return NotFound();
        }
        Plan = result.Plan;
        ModelState.Clear();
        Fill(Plan);
        ModelState.AddModelError(string.Empty, t["Admin.Plans.NotScheduled"]);
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private void Fill(AdminPlan plan)
    {
        Input = new InputModel { Version = plan.Version.ToString(CultureInfo.InvariantCulture) };
        Input.FillFrom(plan);
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await plans.GetAsync(id, ct) is not { } plan)
        {
            return false;
        }
        Plan = plan;
        return true;
    }
}
