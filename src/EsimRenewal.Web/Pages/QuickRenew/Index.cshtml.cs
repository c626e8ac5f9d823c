using System.Globalization;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Sims;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Infrastructure.Localization;
using EsimRenewal.Web.Sims;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.QuickRenew;

/// <summary>
/// <c>/quick-renew</c>: renew without an account. A physical SIM's holder types its ICCID and card PIN;
/// an eSIM's holder types its ICCID and the email it was bought with, then the code sent there. Then
/// the plan page (<c>/quick-renew/plan</c>) takes over with a short-lived ticket.
/// </summary>
public sealed class IndexModel(QuickRenewalService quickRenewal, QuickRenewalTickets tickets, IValidator<IndexModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>Step 2 of the eSIM path: a code was sent (if the ICCID and email matched).</summary>
    public bool AwaitingCode => Input.CodeId is not null;

    public sealed class InputModel
    {
        public string? Kind { get; set; }
        public string? Iccid { get; set; }
        public string? Pin { get; set; }
        public string? Email { get; set; }
        public Guid? CodeId { get; set; }
        public string? Code { get; set; }
    }

    public const string Physical = "physical";
    public const string Esim = "esim";

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            When(x => x.CodeId is null, () =>
            {
                RuleFor(x => x.Iccid).TypedIccid(t);
                When(x => x.Kind == Physical, () => RuleFor(x => x.Pin).CardPin(t));
                When(x => x.Kind != Physical, () => RuleFor(x => x.Email)
                    .NotEmpty().WithMessage(t["QuickRenew.EmailRequired"])
                    .Must(e => Core.Identity.SignInIdentifier.TryParse(e, out var id) && id.Kind == Core.Identity.IdentifierKind.Email)
                    .WithMessage(t["QuickRenew.EmailInvalid"]));
            });
            When(x => x.CodeId is not null, () => RuleFor(x => x.Code)
                .NotEmpty().WithMessage(t["QuickRenew.CodeRequired"])
                .Must(c => OneTimeCode.IsWellFormed(SimPin.Normalize(c))).WithMessage(t["QuickRenew.CodeFormat"]));
        }
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostPhysicalAsync(CancellationToken ct)
    {
        Input.Kind = Physical;
        Input.CodeId = null;
        return await IsValidAsync(ct)
            ? Answer(await quickRenewal.ProvePhysicalAsync(Input.Iccid, Input.Pin, Holder(), ct))
            : Page();
    }

    public async Task<IActionResult> OnPostSendCodeAsync(CancellationToken ct)
    {
        Input.Kind = Esim;
        Input.CodeId = null;
        return await IsValidAsync(ct)
            ? Answer(await quickRenewal.SendCodeAsync(Input.Iccid, Input.Email, Holder(), ct))
            : Page();
    }

    public async Task<IActionResult> OnPostVerifyCodeAsync(CancellationToken ct)
    {
        Input.Kind = Esim;
        if (Input.CodeId is not { } codeId)
        {
            return Page();
        }
        return await IsValidAsync(ct)
            ? Answer(await quickRenewal.VerifyCodeAsync(codeId, Input.Code, Holder(), ct))
            : Page();
    }

    private IActionResult Answer(ProofResult result)
    {
        switch (result.Status)
        {
            case ProofStatus.Verified:
                tickets.Issue(HttpContext, result.SimId!.Value);
                return RedirectToPage("/QuickRenew/Plan");
            case ProofStatus.CodeSent:
                Input.CodeId = result.CodeId;
                ModelState.Clear();
                break;
            case ProofStatus.CodeSpent:
                Input.CodeId = null;
                ModelState.AddModelError(string.Empty, t["QuickRenew.CodeSpent"]);
                break;
            case ProofStatus.Locked:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                ModelState.AddModelError(string.Empty, t["QuickRenew.Locked", Jst.Format(result.LockedUntil!.Value)]);
                break;
            case ProofStatus.ChallengeRequired:
                this.RequireChallenge();
                ModelState.AddModelError(string.Empty, t["Challenge.Required"]);
                break;
            default:
                ModelState.AddModelError(string.Empty, Input.CodeId is null ? t["QuickRenew.NotAccepted"] : t["QuickRenew.CodeWrong"]);
                break;
        }
        return Page();
    }

    private async Task<bool> IsValidAsync(CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(Input, ct);
        validation.AddTo(ModelState, nameof(Input));
        return validation.IsValid;
    }

    private Holder Holder() => new(HttpContext.Connection.RemoteIpAddress?.ToString(), this.ChallengeSolution(), Cultures.Normalize(CultureInfo.CurrentUICulture.Name));
}
