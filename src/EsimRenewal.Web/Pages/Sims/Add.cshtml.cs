using EsimRenewal.Core.Common;
using EsimRenewal.Core.Sims;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Sims;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Sims;

/// <summary><c>/sims/add</c>: add the physical SIM a traveller holds, by its ICCID and the PIN printed on its card.</summary>
public sealed class AddModel(SimService sims, IValidator<AddModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        public string? Iccid { get; set; }
        public string? Pin { get; set; }
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Iccid).TypedIccid(t);
            RuleFor(x => x.Pin).CardPin(t);
        }
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(Input, ct);
        if (!validation.IsValid)
        {
            validation.AddTo(ModelState, nameof(Input));
            return Page();
        }
        var claim = new SimClaim(User.Id(), Input.Iccid, Input.Pin, HttpContext.Connection.RemoteIpAddress?.ToString(), this.ChallengeSolution());
        var result = await sims.LinkPhysicalAsync(claim, ct);
        switch (result.Status)
        {
            case LinkStatus.Linked:
                TempData["StatusMessage"] = t["Sims.Add.Added"].Value;
                return RedirectToPage("/Sims/Details", new { id = result.SimId });
            case LinkStatus.AlreadyYours:
                TempData["StatusMessage"] = t["Sims.Add.AlreadyYours"].Value;
                return RedirectToPage("/Sims/Details", new { id = result.SimId });
            case LinkStatus.Locked:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                ModelState.AddModelError(string.Empty, t["Sims.Add.Locked", Jst.Format(result.LockedUntil!.Value)]);
                return Page();
            case LinkStatus.ChallengeRequired:
                this.RequireChallenge();
                ModelState.AddModelError(string.Empty, t["Challenge.Required"]);
                return Page();
            default:
                // Wrong PIN, unknown ICCID and "on another account" read the same: nothing is revealed.
                ModelState.AddModelError(string.Empty, t["Sims.Add.NotAccepted"]);
                return Page();
        }
    }
}
