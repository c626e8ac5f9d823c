using EsimRenewal.Core.Common;
using EsimRenewal.Core.Identity;
using EsimRenewal.Web.Accounts;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Infrastructure.Localization;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Account;

/// <summary>
/// <c>/account/profile</c>: the traveller's email address and mobile number (either signs in), the
/// language of their emails, their password, and deleting the account. Four forms, one handler each.
/// </summary>
[Authorize]
public sealed class ProfileModel(AccountService accounts, IValidator<ProfileModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        public string? Email { get; set; }
        public string? Phone { get; set; }
        public string? Culture { get; set; }
        public string? CurrentPassword { get; set; }
        public string? NewPassword { get; set; }
        public string? ConfirmPassword { get; set; }
        public string? DeletePassword { get; set; }
    }

    public const string Contact = nameof(Contact);
    public const string Language = nameof(Language);
    public const string Password = nameof(Password);
    public const string Delete = nameof(Delete);

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleSet(Contact, () =>
            {
                RuleFor(x => x.Email).Must(e => string.IsNullOrWhiteSpace(e) || (SignInIdentifier.TryParse(e, out var id) && id.Kind == IdentifierKind.Email))
                    .WithMessage(t["Profile.EmailInvalid"]);
                RuleFor(x => x.Phone).Must(p => string.IsNullOrWhiteSpace(p) || (SignInIdentifier.TryParse(p, out var id) && id.Kind == IdentifierKind.Phone))
                    .WithMessage(t["Profile.PhoneInvalid"]);
                RuleFor(x => x).Must(x => !string.IsNullOrWhiteSpace(x.Email) || !string.IsNullOrWhiteSpace(x.Phone))
                    .WithName(nameof(InputModel.Email)).OverridePropertyName(nameof(InputModel.Email)).WithMessage(t["Profile.NeedsOne"]);
            });
            RuleSet(Language, () => RuleFor(x => x.Culture).Must(Cultures.IsSupported).WithMessage(t["Language.Unsupported"]));
            RuleSet(Password, () =>
            {
                RuleFor(x => x.CurrentPassword).NotEmpty().WithMessage(t["Account.PasswordRequired"])
                    .MaximumLength(AccountRules.MaxPasswordLength).WithMessage(t["Account.SignInFailed"]);
                RuleFor(x => x.NewPassword).NotEmpty().WithMessage(t["Account.PasswordRequired"])
                    .Length(AccountRules.MinPasswordLength, AccountRules.MaxPasswordLength)
                    .WithMessage(t["Account.PasswordLength", AccountRules.MinPasswordLength, AccountRules.MaxPasswordLength]);
                RuleFor(x => x.ConfirmPassword).Equal(x => x.NewPassword).WithMessage(t["Account.PasswordsDiffer"]);
            });
            RuleSet(Delete, () => RuleFor(x => x.DeletePassword).NotEmpty().WithMessage(t["Account.PasswordRequired"])
                .MaximumLength(AccountRules.MaxPasswordLength).WithMessage(t["Account.SignInFailed"]));
        }
    }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostContactAsync()
    {
        if (!await IsValidAsync(Contact))
        {
            return await ShowAsync(typedContact: true);
        }
        switch (await accounts.ChangeContactAsync(User.Id(), Parse(Input.Email), Parse(Input.Phone)))
        {
            case ContactChange.Saved:
                return Done(t["Profile.ContactSaved"]);
            case ContactChange.DuplicateEmail:
                ModelState.AddModelError("Input.Email", t["Profile.EmailTaken"]);
                break;
            case ContactChange.DuplicatePhone:
                ModelState.AddModelError("Input.Phone", t["Profile.PhoneTaken"]);
                break;
            default:
                ModelState.AddModelError("Input.Email", t["Profile.NeedsOne"]);
                break;
        }
        return await ShowAsync(typedContact: true);
    }

    public async Task<IActionResult> OnPostLanguageAsync()
    {
        if (!await IsValidAsync(Language))
        {
            return await ShowAsync();
        }
        await accounts.SetPreferredCultureAsync(User.Id(), Input.Culture!);
        // The site follows too, so what they read matches what they will receive.
        Response.Cookies.Append(Cultures.CookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(Input.Culture!)), Cultures.CookieOptions(Request));
        return Done(t["Profile.LanguageSaved"]);
    }

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        if (!await IsValidAsync(Password))
        {
            return await ShowAsync();
        }
        var result = await accounts.ChangePasswordAsync(User.Id(), Input.CurrentPassword!, Input.NewPassword!, this.Origin());
        if (result.Status == PasswordCheckStatus.Done)
        {
            return Done(t["Profile.PasswordSaved"]);
        }
        Refused(result, "Input.CurrentPassword");
        return await ShowAsync();
    }

    public async Task<IActionResult> OnPostDeleteAsync()
    {
        if (!await IsValidAsync(Delete))
        {
            return await ShowAsync();
        }
        var result = await accounts.DeleteAsync(User.Id(), Input.DeletePassword!, this.Origin());
        if (result.Status == PasswordCheckStatus.Done)
        {
            TempData["StatusMessage"] = t["Profile.Deleted"].Value;
            return LocalRedirect("/");
        }
        Refused(result, "Input.DeletePassword");
        return await ShowAsync();
    }

    /// <summary>Why a password check refused: wrong, a new password refused (shown at the new password), held back.</summary>
    private void Refused(PasswordCheckResult result, string passwordField)
    {
        switch (result.Status)
        {
            case PasswordCheckStatus.Rejected:
                foreach (var error in result.Errors!)
                {
                    ModelState.AddModelError("Input.NewPassword", error);
                }
                break;
            case PasswordCheckStatus.Locked:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                ModelState.AddModelError(passwordField, t["Account.PasswordCheckLocked", Jst.Format(result.LockedUntil!.Value)]);
                break;
            case PasswordCheckStatus.LastAdmin:
                ModelState.AddModelError(passwordField, t["Profile.Delete.LastAdmin"]);
                break;
            case PasswordCheckStatus.ChallengeRequired:
                // The page comes back with a challenge; the passwords are typed again (they are never put back in a page).
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.CacheControl = "no-store";
                ModelState.AddModelError(passwordField, t["Challenge.RequiredRetype"]);
                break;
            default:
                ModelState.AddModelError(passwordField, t["Account.SignInFailed"]);
                break;
        }
    }

    private async Task<bool> IsValidAsync(string ruleSet)
    {
        var validation = await validator.ValidateAsync(Input, o => o.IncludeRuleSets(ruleSet));
        validation.AddTo(ModelState, nameof(Input));
        return validation.IsValid;
    }

    private async Task LoadAsync()
    {
        var profile = await accounts.GetProfileAsync(User.Id());
        (Input.Email, Input.Phone, Input.Culture) = (profile.Email, profile.Phone, profile.PreferredCulture);
    }

    /// <summary>
    /// The page again after a refusal: what was typed in the contact form stays when that form was sent
    /// (another form's refusal shows the saved email and number); passwords never do.
    /// </summary>
    private async Task<PageResult> ShowAsync(bool typedContact = false)
    {
        var profile = await accounts.GetProfileAsync(User.Id());
        Input.Culture = profile.PreferredCulture;
        if (!typedContact)
        {
            (Input.Email, Input.Phone) = (profile.Email, profile.Phone);
        }
        Input.CurrentPassword = Input.NewPassword = Input.ConfirmPassword = Input.DeletePassword = null;
        return Page();
    }

    private RedirectToPageResult Done(string message)
    {
        TempData["StatusMessage"] = message;
        return RedirectToPage();
    }

    private static SignInIdentifier? Parse(string? value) =>
        !string.IsNullOrWhiteSpace(value) && SignInIdentifier.TryParse(value, out var identifier) ? identifier : null;
}
