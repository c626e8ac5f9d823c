using EsimRenewal.Core.Common;
using EsimRenewal.Web.Accounts;
using EsimRenewal.Web.Infrastructure;
using FluentValidation;
using FluentValidation.Internal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Account;

/// <summary>
/// <c>/account/login/two-factor</c>: the second step of signing in for an account with two-factor sign-in
/// on — the 6-digit code from the authenticator app, or one of the recovery codes (each works once).
/// </summary>
public sealed class LoginTwoFactorModel(TwoFactorService twoFactor, IValidator<LoginTwoFactorModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>"Keep me signed in" as ticked on the first step (a text, so any value binds; only "true" means ticked).</summary>
    [BindProperty(SupportsGet = true)]
    public string? RememberMe { get; set; }

    public const string Recovery = nameof(Recovery);

    public sealed class InputModel
    {
        public string? Code { get; set; }
        public string? RecoveryCode { get; set; }
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Code).Must(c => TwoFactorService.Normalize(c) is not null).WithMessage(t["TwoFactor.CodeFormat"]);
            RuleSet(Recovery, () => RuleFor(x => x.RecoveryCode)
                .Must(c => TwoFactorService.NormalizeRecoveryCode(c) is not null).WithMessage(t["TwoFactor.RecoveryCodeFormat"]));
        }
    }

    private bool Remember => string.Equals(RememberMe, "true", StringComparison.OrdinalIgnoreCase);

    public async Task<IActionResult> OnGetAsync() =>
        await twoFactor.HasPendingSignInAsync() ? Show() : RedirectToPage("/Account/Login", new { ReturnUrl = Next() });

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await IsValidAsync(RulesetValidatorSelector.DefaultRuleSetName))
        {
            return Show();
        }
        return Answer(await twoFactor.SignInWithCodeAsync(Input.Code, Remember, this.Origin()), "Input.Code");
    }

    public async Task<IActionResult> OnPostRecoveryAsync()
    {
        if (!await IsValidAsync(Recovery))
        {
            return Show();
        }
        return Answer(await twoFactor.SignInWithRecoveryCodeAsync(Input.RecoveryCode, this.Origin()), "Input.RecoveryCode");
    }

    private IActionResult Answer(TwoFactorResult result, string field)
    {
        switch (result.Status)
        {
            case TwoFactorStatus.Done:
                return LocalRedirect(Next() ?? Landing.For(result.Roles!));
            case TwoFactorStatus.NoPendingSignIn:
                TempData["StatusMessage"] = t["TwoFactor.SignInAgain"].Value;
                return RedirectToPage("/Account/Login", new { ReturnUrl = Next() });
            case TwoFactorStatus.Locked:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                ModelState.AddModelError(field, result.LockedUntil is { } until && until.Year < 9999 ? t["TwoFactor.Locked", Jst.Format(until)] : t["Account.LockedOut"]);
                break;
            case TwoFactorStatus.ChallengeRequired:
                this.RequireChallenge();
                ModelState.AddModelError(field, t["Challenge.Required"]);
                break;
            default:
                ModelState.AddModelError(field, field == "Input.Code" ? t["TwoFactor.CodeWrong"] : t["TwoFactor.RecoveryCodeWrong"]);
                break;
        }
        return Show();
    }

    private async Task<bool> IsValidAsync(string ruleSet)
    {
        var validation = await validator.ValidateAsync(Input, o => o.IncludeRuleSets(ruleSet));
        validation.AddTo(ModelState, nameof(Input));
        return validation.IsValid;
    }

    /// <summary>The page, never cached; codes are never put back into it.</summary>
    private PageResult Show()
    {
        Response.Headers.CacheControl = "no-store";
        if (ViewData[AttemptChallengeViewComponent.AutoSubmitKey] is not true)
        {
            Input.Code = Input.RecoveryCode = null;
        }
        return Page();
    }

    private string? Next() => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null;
}
