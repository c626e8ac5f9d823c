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
}
