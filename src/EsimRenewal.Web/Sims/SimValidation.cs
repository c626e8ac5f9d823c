using EsimRenewal.Core.Sims;
using FluentValidation;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Sims;

public static class SimValidation
{
    /// <summary>An ICCID as typed (spaces, full-width digits are fine), with a message naming what is wrong.</summary>
    public static IRuleBuilderOptionsConditions<T, string?> TypedIccid<T>(this IRuleBuilder<T, string?> rule, IStringLocalizer t) =>
        rule.Custom((iccid, context) =>
        {
            if (Iccid.Check(iccid) is { } problem)
            {
                context.AddFailure(t["Sims.Iccid." + problem]);
            }
        });

    /// <summary>The PIN printed on a SIM's card: 4 to 8 digits (full-width digits are fine).</summary>
    public static IRuleBuilderOptions<T, string?> CardPin<T>(this IRuleBuilder<T, string?> rule, IStringLocalizer t) =>
        rule.NotEmpty().WithMessage(t["Sims.Add.PinRequired"])
            .Must(pin => SimPin.IsWellFormed(SimPin.Normalize(pin))).WithMessage(t["Sims.Add.PinFormat"]);
}
