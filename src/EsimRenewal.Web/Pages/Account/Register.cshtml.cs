using System.Globalization;
using EsimRenewal.Core.Identity;
using EsimRenewal.Web.Accounts;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Infrastructure.Localization;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Account;

public sealed class RegisterModel(AccountService accounts, IValidator<RegisterModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public sealed class InputModel
    {
        public string? Identifier { get; set; }
        public string? Password { get; set; }
        public string? ConfirmPassword { get; set; }
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Identifier).SignInIdentifier(t);
            RuleFor(x => x.Password)
                .NotEmpty().WithMessage(t["Account.PasswordRequired"])
                .Length(AccountRules.MinPasswordLength, AccountRules.MaxPasswordLength)
                .WithMessage(t["Account.PasswordLength", AccountRules.MinPasswordLength, AccountRules.MaxPasswordLength]);
            RuleFor(x => x.ConfirmPassword)
                .Equal(x => x.Password).WithMessage(t["Account.PasswordsDiffer"]);
        }
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var validation = await validator.ValidateAsync(Input);
        if (!validation.IsValid)
        {
            validation.AddTo(ModelState, nameof(Input));
            return Page();
        }
        SignInIdentifier.TryParse(Input.Identifier, out var identifier);
        var culture = Cultures.Normalize(CultureInfo.CurrentUICulture.Name);
        var result = await accounts.RegisterAsync(identifier, Input.Password!, culture, this.Origin());
        switch (result.Status)
        {
            case RegistrationStatus.Registered:
                TempData["StatusMessage"] = t["Account.Registered"].Value;
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
            case RegistrationStatus.Duplicate:
                ModelState.AddModelError("Input.Identifier", t["Account.Duplicate"]);
                return Page();
            case RegistrationStatus.ChallengeRequired:
                this.RequireChallenge();
                ModelState.AddModelError(string.Empty, t["Challenge.Required"]);
                return Page();
            default:
                foreach (var error in result.Errors)
                {
                    ModelState.AddModelError("Input.Password", error);
                }
                return Page();
        }
    }
}
