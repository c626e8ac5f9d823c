using EsimRenewal.Core.Identity;
using FluentValidation;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Accounts;

public static class AccountValidation
{
    /// <summary>An email address or mobile number that <see cref="SignInIdentifier"/> accepts.</summary>
    public static IRuleBuilderOptions<T, string?> SignInIdentifier<T>(this IRuleBuilder<T, string?> rule, IStringLocalizer t) =>
        rule.NotEmpty().WithMessage(t["Account.IdentifierRequired"])
            .Must(i => Core.Identity.SignInIdentifier.TryParse(i, out _)).WithMessage(t["Account.IdentifierInvalid"]);
}
