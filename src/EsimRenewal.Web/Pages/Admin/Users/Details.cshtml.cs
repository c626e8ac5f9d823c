using EsimRenewal.Core.Identity;
using EsimRenewal.Web.Accounts;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Vouchers;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Admin.Users;

/// <summary>
/// <c>/admin/users/{id}</c>: one account — its roles (a checkbox each), lock and unlock, a new
/// invitation while it has no password, and the latest audit entries about it. The service refuses what
/// would lock out the admins (own Admin role, own lock, the last active admin), however the form is posted.
/// </summary>
public sealed class DetailsModel(UserAdminService accounts, IValidator<DetailsModel.InputModel> validator, IStringLocalizer<SharedResource> t, TimeProvider clock) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public UserDetail Account { get; private set; } = null!;

    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    public bool IsSelf => Account.Id == User.Id();

    public sealed class InputModel
    {
        /// <summary>
        /// The roles ticked (<c>Input.Roles=&amp;Input.Roles=Staff&amp;Input.Roles=Admin</c>). The form always sends
        /// one empty value first, so nothing ticked means no role, while a request without the field is refused.
        /// </summary>
        public List<string?>? Roles { get; set; }

        public List<string> Ticked => (Roles ?? []).Where(r => !string.IsNullOrEmpty(r)).Select(r => r!).Distinct(StringComparer.Ordinal).ToList();
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Roles)
                .Must(roles => roles is not null && roles.All(r => string.IsNullOrEmpty(r) || Core.Identity.Roles.All.Contains(r)))
                .WithMessage(t["Admin.Users.RoleUnknown"]);
        }
    }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostRolesAsync(string id, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(Input, ct);
        if (!validation.IsValid)
        {
            validation.AddTo(ModelState, nameof(Input));
            if (!await LoadAsync(id, ct))
            {
                return NotFound();
            }
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        return await DoneAsync(id, await accounts.SetRolesAsync(id, Input.Ticked, this.ActorFor(), ct), t["Admin.Users.RolesSaved"], ct);
    }

    public async Task<IActionResult> OnPostLockAsync(string id, CancellationToken ct) =>
        await DoneAsync(id, await accounts.LockAsync(id, this.ActorFor(), ct), t["Admin.Users.LockedDone"], ct);

    public async Task<IActionResult> OnPostUnlockAsync(string id, CancellationToken ct) =>
        await DoneAsync(id, await accounts.UnlockAsync(id, this.ActorFor(), ct), t["Admin.Users.UnlockedDone"], ct);

    public async Task<IActionResult> OnPostResetTwoFactorAsync(string id, CancellationToken ct) =>
        await DoneAsync(id, await accounts.ResetTwoFactorAsync(id, this.ActorFor(), ct), t["Admin.Users.TwoFactorResetDone"], ct);

    public async Task<IActionResult> OnPostResendAsync(string id, CancellationToken ct) =>
        await DoneAsync(id, await accounts.ResendInvitationAsync(id, this.ActorFor(), ct), t["Admin.Users.InvitationResent"], ct);

    /// <summary>Done: back to the page with a message (PRG). Refused: the page as it is, the reason, 409 (403 when the admin lost the right).</summary>
    private async Task<IActionResult> DoneAsync(string id, UserResult result, string message, CancellationToken ct)
    {
        if (result.Succeeded)
        {
            TempData["StatusMessage"] = message;
            return RedirectToPage(new { id });
        }
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        ModelState.AddModelError(string.Empty, AccountText.Refusal(t, result.Refusal!.Value));
        Response.StatusCode = result.Refusal == UserRefusal.NotAllowed ? StatusCodes.Status403Forbidden : StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        if (id.Length > 100 || await accounts.GetAsync(id, ct) is not { } account)
        {
            return false;
        }
        Account = account;
        return true;
    }

    public bool IsLocked => AccountLock.IsLocked(Account.LockoutEnd, Now);

    public bool CanUnlock => IsLocked || Account.FailedSignIns > 0;
}
