using EsimRenewal.Web.Accounts;
using EsimRenewal.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Account;

/// <summary>
/// <c>/account/invitation?token=…</c>: the link in an invitation email. The invited person chooses a
/// password (the same rules as registering) and is signed in; an expired, used or broken link says so.
/// </summary>
public sealed class InvitationModel(AccountService accounts, IValidator<InvitationModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>The invitation as the link opens it: the account's email and roles, or why it cannot be used.</summary>
    public InvitationResult Invitation { get; private set; } = InvitationResult.Invalid;

    public sealed class InputModel
    {
        public string? Token { get; set; }
        public string? Password { get; set; }
        public string? ConfirmPassword { get; set; }
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Token).NotEmpty().MaximumLength(InvitationTokens.MaxLength).WithMessage(t["Invite.Invalid"]);
            RuleFor(x => x.Password)
                .NotEmpty().WithMessage(t["Account.PasswordRequired"])
                .Length(AccountRules.MinPasswordLength, AccountRules.MaxPasswordLength)
                .WithMessage(t["Account.PasswordLength", AccountRules.MinPasswordLength, AccountRules.MaxPasswordLength]);
            RuleFor(x => x.ConfirmPassword).Equal(x => x.Password).WithMessage(t["Account.PasswordsDiffer"]);
        }
    }

    public async Task<IActionResult> OnGetAsync(string? token)
    {
        Input.Token = token;
        return Show(await accounts.ReadInvitationAsync(token));
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var validation = await validator.ValidateAsync(Input);
        if (!validation.IsValid)
        {
            var invitation = await accounts.ReadInvitationAsync(Input.Token);
            if (invitation.State == InvitationState.Open)
            {
                validation.AddTo(ModelState, nameof(Input));
            }
            return Show(invitation);
        }
        var result = await accounts.AcceptInvitationAsync(Input.Token, Input.Password!, HttpContext.Connection.RemoteIpAddress?.ToString());
        switch (result.State)
        {
            case InvitationState.Accepted:
                TempData["StatusMessage"] = t["Invite.Accepted"].Value;
                // Invitees are staff or admins: the next step is turning two-factor sign-in on (staff may postpone it).
                return LocalRedirect(TwoFactorEnrolment.PromptUrl(Landing.For(result.Roles!)));
            case InvitationState.Rejected:
                foreach (var error in result.Errors!)
                {
                    ModelState.AddModelError("Input.Password", error);
                }
                return Show(await accounts.ReadInvitationAsync(Input.Token));
            default:
                return Show(result);
        }
    }

    /// <summary>The page: the form for an open invitation, else the reason (410 for an expired or used link, 404 for a broken one). Never cached; passwords never echoed.</summary>
    private PageResult Show(InvitationResult invitation)
    {
        Invitation = invitation;
        Input.Password = Input.ConfirmPassword = null;
        Response.Headers.CacheControl = "no-store";
        Response.StatusCode = invitation.State switch
        {
            InvitationState.Open => StatusCodes.Status200OK,
            InvitationState.Expired or InvitationState.Used => StatusCodes.Status410Gone,
            _ => StatusCodes.Status404NotFound,
        };
        return Page();
    }
}
