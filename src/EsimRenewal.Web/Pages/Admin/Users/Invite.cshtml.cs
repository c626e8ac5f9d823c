using System.Globalization;
using EsimRenewal.Core.Identity;
using EsimRenewal.Web.Accounts;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Infrastructure.Localization;
using EsimRenewal.Web.Vouchers;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Admin.Users;

/// <summary>
/// <c>/admin/users/invite</c>: an email address, a role (Staff or Admin) and the language of the
/// invitation. The account is created without a password; the invitee sets one through the emailed link.
/// </summary>
public sealed class InviteModel(UserAdminService accounts, IValidator<InviteModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public sealed class InputModel
    {
        public string? Email { get; set; }
        public string? Role { get; set; }
        public string? Culture { get; set; }
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Email)
                .NotEmpty().WithMessage(t["Admin.Users.EmailRequired"])
                .Must(e => SignInIdentifier.TryParse(e, out var id) && id.Kind == IdentifierKind.Email).WithMessage(t["Admin.Users.EmailInvalid"]);
            RuleFor(x => x.Role).Must(r => r is not null && UserAdminService.InvitableRoles.Contains(r)).WithMessage(t["Admin.Users.RoleUnknown"]);
            RuleFor(x => x.Culture).Must(Cultures.IsSupported).WithMessage(t["Language.Unsupported"]);
        }
    }

    public void OnGet()
    {
        Input.Role = Roles.Staff;
        Input.Culture = Cultures.Normalize(CultureInfo.CurrentUICulture.Name);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(Input, ct);
        if (!validation.IsValid)
        {
            validation.AddTo(ModelState, nameof(Input));
            return Page();
        }
        SignInIdentifier.TryParse(Input.Email, out var email);
        var result = await accounts.InviteAsync(email, Input.Role!, Input.Culture!, this.ActorFor(), ct);
        if (result.Succeeded)
        {
            TempData["StatusMessage"] = t["Admin.Users.Invited", email.Value].Value;
            return RedirectToPage("/Admin/Users/Details", new { id = result.UserId });
        }
        ModelState.AddModelError(result.Refusal == UserRefusal.Duplicate ? "Input.Email" : string.Empty, AccountText.Refusal(t, result.Refusal!.Value));
        Response.StatusCode = result.Refusal == UserRefusal.NotAllowed ? StatusCodes.Status403Forbidden : StatusCodes.Status409Conflict;
        return Page();
    }
}
