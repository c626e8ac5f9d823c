using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Infrastructure.Localization;

/// <summary>ASP.NET Core Identity's error messages, in the visitor's language.</summary>
internal sealed class LocalizedIdentityErrorDescriber(IStringLocalizer<SharedResource> t) : IdentityErrorDescriber
{
    private IdentityError Error(string code, string key, params object[] args) => new() { Code = code, Description = t[key, args] };

    public override IdentityError DefaultError() => Error(nameof(DefaultError), "Identity.DefaultError");
    public override IdentityError ConcurrencyFailure() => Error(nameof(ConcurrencyFailure), "Identity.DefaultError");
    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), "Account.Duplicate");
    public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), "Account.Duplicate");
    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), "Account.IdentifierInvalid");
    public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), "Account.IdentifierInvalid");
    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), "Account.PasswordLength", length, Accounts.AccountRules.MaxPasswordLength);
    public override IdentityError PasswordMismatch() => Error(nameof(PasswordMismatch), "Account.SignInFailed");
    public override IdentityError UserLockoutNotEnabled() => Error(nameof(UserLockoutNotEnabled), "Identity.DefaultError");
    public override IdentityError UserAlreadyInRole(string role) => Error(nameof(UserAlreadyInRole), "Identity.DefaultError");
    public override IdentityError UserNotInRole(string role) => Error(nameof(UserNotInRole), "Identity.DefaultError");
    public override IdentityError InvalidToken() => Error(nameof(InvalidToken), "Identity.DefaultError");
}
