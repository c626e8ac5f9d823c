using System.Security.Claims;
using System.Text;
using EsimRenewal.Core.Common;
using EsimRenewal.Web.Accounts;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Sims;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Account;

/// <summary>
/// <c>/account/two-factor</c>: turn two-factor sign-in on with an authenticator app (a QR code and the key
/// as text, then a first code), see the recovery codes once, make new ones, or turn it off. Staff and admins
/// are sent here after signing in until it is on (<c>returnUrl</c>: where "later" goes), and admins when an
/// action needs it (<c>required=true</c>). Never cached: the key and the codes are secrets.
/// </summary>
[Authorize]
public sealed class TwoFactorModel(TwoFactorService twoFactor, IValidator<TwoFactorModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>Where to go on (after enrolling, or "later"): a page of the portal only.</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>"true" when an action the admin asked for needs two-factor sign-in (then there is no "later").</summary>
    [BindProperty(SupportsGet = true)]
    public string? Required { get; set; }

    public TwoFactorState State { get; private set; } = null!;

    /// <summary>The recovery codes, on the one answer that shows them.</summary>
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public bool IsRequired => string.Equals(Required, "true", StringComparison.OrdinalIgnoreCase);

    public string Next => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : Landing.For(User.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList());

    public bool CanPostpone => !IsRequired && Url.IsLocalUrl(ReturnUrl);

    /// <summary>The QR code of the otpauth URI, drawn on the server, as an image inside the page.</summary>
    public string? QrDataUri => State.AuthenticatorUri is { } uri
        ? "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(ActivationQr.Svg(uri)))
        : null;

    public const string Enable = nameof(Enable);
    public const string NewCodes = nameof(NewCodes);
    public const string Disable = nameof(Disable);

    public sealed class InputModel
    {
        public string? Code { get; set; }
        public string? Password { get; set; }
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleSet($"{Enable},{NewCodes}", () => RuleFor(x => x.Code)
                .Must(c => TwoFactorService.Normalize(c) is not null).WithMessage(t["TwoFactor.CodeFormat"]));
            RuleSet(Disable, () => RuleFor(x => x.Password)
                .NotEmpty().WithMessage(t["Account.PasswordRequired"])
                .MaximumLength(AccountRules.MaxPasswordLength).WithMessage(t["Account.SignInFailed"]));
        }
    }

    public async Task<IActionResult> OnGetAsync() => await ShowAsync();

    public async Task<IActionResult> OnPostEnableAsync()
    {
        if (await IsValidAsync(Enable))
        {
            var result = await twoFactor.EnableAsync(User, Input.Code, HttpContext.Connection.RemoteIpAddress?.ToString());
            if (result.Status == TwoFactorStatus.Done)
            {
                RecoveryCodes = result.RecoveryCodes;
                // The new sign-in (with the two-factor claim) is in the response's cookie; this answer already shows it on.
                return await ShowAsync(t["TwoFactor.Enabled"], signedInWithTwoFactor: true);
            }
            ModelState.AddModelError("Input.Code", result.Status == TwoFactorStatus.WrongCode ? t["TwoFactor.EnrolCodeWrong"] : t["TwoFactor.AlreadyOn"]);
        }
        return await ShowAsync();
    }

    public async Task<IActionResult> OnPostNewCodesAsync()
    {
        if (await IsValidAsync(NewCodes))
        {
            var result = await twoFactor.NewRecoveryCodesAsync(User, Input.Code, HttpContext.Connection.RemoteIpAddress?.ToString());
            if (result.Status == TwoFactorStatus.Done)
            {
                RecoveryCodes = result.RecoveryCodes;
                return await ShowAsync(t["TwoFactor.NewCodesDone"]);
            }
            ModelState.AddModelError("Input.Code", result.Status == TwoFactorStatus.WrongCode ? t["TwoFactor.CodeWrong"] : t["TwoFactor.IsOff"]);
        }
        return await ShowAsync();
    }

    public async Task<IActionResult> OnPostDisableAsync()
    {
        if (await IsValidAsync(Disable))
        {
            var result = await twoFactor.DisableAsync(User, Input.Password!, this.Origin());
            switch (result.Status)
            {
                case TwoFactorStatus.Done:
                    TempData["StatusMessage"] = t["TwoFactor.Disabled"].Value;
                    return RedirectToPage();
                case TwoFactorStatus.Locked:
                    Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    ModelState.AddModelError("Input.Password", t["Account.PasswordCheckLocked", Jst.Format(result.LockedUntil!.Value)]);
                    break;
                case TwoFactorStatus.ChallengeRequired:
                    Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    ModelState.AddModelError("Input.Password", t["Challenge.RequiredRetype"]);
                    break;
                case TwoFactorStatus.WrongPassword:
                    ModelState.AddModelError("Input.Password", t["Account.SignInFailed"]);
                    break;
                default:
                    ModelState.AddModelError("Input.Password", t["TwoFactor.IsOff"]);
                    break;
            }
        }
        return await ShowAsync();
    }

    private async Task<bool> IsValidAsync(string ruleSet)
    {
        var validation = await validator.ValidateAsync(Input, o => o.IncludeRuleSets(ruleSet));
        validation.AddTo(ModelState, nameof(Input));
        return validation.IsValid;
    }

    private async Task<PageResult> ShowAsync(string? message = null, bool signedInWithTwoFactor = false)
    {
        State = await twoFactor.GetStateAsync(User);
        if (signedInWithTwoFactor)
        {
            State = State with { SignedInWithTwoFactor = true };
        }
        if (message is not null)
        {
            TempData["StatusMessage"] = message;
        }
        Input = new InputModel();
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
