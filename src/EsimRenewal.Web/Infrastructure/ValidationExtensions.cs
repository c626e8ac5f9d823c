using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace EsimRenewal.Web.Infrastructure;

public static class ValidationExtensions
{
    /// <summary>Copies FluentValidation errors into ModelState under the bound model's prefix.</summary>
    public static void AddTo(this ValidationResult result, ModelStateDictionary modelState, string prefix)
    {
        foreach (var error in result.Errors)
        {
            modelState.AddModelError($"{prefix}.{error.PropertyName}", error.ErrorMessage);
        }
    }

    /// <summary>Copies FluentValidation errors into ModelState for the page's summary (search forms of a GET).</summary>
    public static void AddToSummary(this ValidationResult result, ModelStateDictionary modelState)
    {
        foreach (var error in result.Errors)
        {
            modelState.AddModelError(string.Empty, error.ErrorMessage);
        }
    }

    /// <summary>
    /// Free text without control characters (a NUL byte cannot even be stored or searched in PostgreSQL);
    /// for fields that are otherwise unrestricted, such as search boxes.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> PlainText<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => text is null || !text.Any(char.IsControl));
}
