using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>
/// The framework's model-binding messages ("The value 'abc' is not valid for PlanVersionId.") in the
/// visitor's language. They never repeat the value sent (which may be 20,000 characters) or the
/// property's C# name.
/// </summary>
public static class BindingMessages
{
    public static void AddLocalizedBindingMessages(this IServiceCollection services) =>
        services.AddOptions<MvcOptions>().Configure<IStringLocalizer<SharedResource>>((options, t) =>
        {
            var messages = options.ModelBindingMessageProvider;
            messages.SetAttemptedValueIsInvalidAccessor((_, _) => t["Form.ValueInvalid"]);
            messages.SetNonPropertyAttemptedValueIsInvalidAccessor(_ => t["Form.ValueInvalid"]);
            messages.SetUnknownValueIsInvalidAccessor(_ => t["Form.ValueInvalid"]);
            messages.SetNonPropertyUnknownValueIsInvalidAccessor(() => t["Form.ValueInvalid"]);
            messages.SetValueIsInvalidAccessor(_ => t["Form.ValueInvalid"]);
            messages.SetValueMustBeANumberAccessor(_ => t["Form.ValueInvalid"]);
            messages.SetNonPropertyValueMustBeANumberAccessor(() => t["Form.ValueInvalid"]);
            messages.SetValueMustNotBeNullAccessor(_ => t["Form.ValueRequired"]);
            messages.SetMissingBindRequiredValueAccessor(_ => t["Form.ValueRequired"]);
            messages.SetMissingKeyOrValueAccessor(() => t["Form.ValueRequired"]);
            messages.SetMissingRequestBodyRequiredValueAccessor(() => t["Form.ValueRequired"]);
        });
}
