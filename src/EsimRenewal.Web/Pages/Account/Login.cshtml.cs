using EsimRenewal.Core.Identity;
using EsimRenewal.Web.Accounts;
using EsimRenewal.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Account;

public sealed class LoginModel(AccountService accounts, IValidator<LoginModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public sealed class InputModel
    {
        public string? Identifier { get; set; }
        public string? Password { get; set; }
        public bool RememberMe { get; set; }
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Identifier).SignInIdentifier(t);
            RuleFor(x => x.Password)
                .NotEmpty().WithMessage(t["Account.PasswordRequired"])
                .MaximumLength(AccountRules.MaxPasswordLength).WithMessage(t["Account.SignInFailed"]);
        }
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (ModelState.GetFieldValidationState("Input.RememberMe") == Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid)
        {
            // A checkbox value that is not a bool ("abc") means "not ticked"; left in ModelState it would break rendering the page again.
            ModelState.Remove("Input.RememberMe");
            Input.RememberMe = false;
        }
        var validation = await validator.ValidateAsync(Input);
        if (!validation.IsValid)
        {
            validation.AddTo(ModelState, nameof(Input));
            return Page();
        }
        SignInIdentifier.TryParse(Input.Identifier, out var identifier);
        var outcome = await accounts.SignInAsync(identifier, Input.Password!, Input.RememberMe, this.Origin());
        var next = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null;
        switch (outcome.Status)
        {
            case SignInStatus.SignedIn:
                next ??= Landing.For(outcome.Roles);
                // Staff and admins without two-factor sign-in are asked to turn it on (staff may do it later).
                return LocalRedirect(outcome.ShouldEnrolTwoFactor ? TwoFactorEnrolment.PromptUrl(next) : next);
            case SignInStatus.RequiresTwoFactor:
                return RedirectToPage("/Account/LoginTwoFactor", new { ReturnUrl = next, Input.RememberMe });
            case SignInStatus.LockedOut:
                ModelState.AddModelError(string.Empty, t["Account.LockedOut"]);
                return Page();
            case SignInStatus.ChallengeRequired:
                this.RequireChallenge();
                ModelState.AddModelError(string.Empty, t["Challenge.Required"]);
                return Page();
            default:
                ModelState.AddModelError(string.Empty, t["Account.SignInFailed"]);
                return Page();
        }
    }
}
