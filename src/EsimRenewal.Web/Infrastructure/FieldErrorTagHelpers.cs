using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>
/// Ties each form field to its error message for screen readers, on every form without per-page code:
/// the message (<c>&lt;span asp-validation-for&gt;</c>) gets an id made from the field's name, and an
/// input, select or textarea whose field has an error gets <c>aria-invalid="true"</c> and that id added
/// to its <c>aria-describedby</c> (after any hint the markup already names there).
/// A field that sets <c>aria-invalid</c> itself is left alone.
/// </summary>
public static class FieldErrors
{
    /// <summary>The id of the error message of the field posted as <paramref name="name"/> (e.g. Input.Iccid → Input_Iccid-error).</summary>
    public static string IdFor(string name) => TagBuilder.CreateSanitizedId(name, "_") + "-error";
}

[HtmlTargetElement("span", Attributes = "asp-validation-for")]
public sealed class ValidationMessageIdTagHelper : TagHelper
{
    // After the framework's ValidationMessageTagHelper.
    public override int Order => 1000;

    [HtmlAttributeName("asp-validation-for")]
    public Microsoft.AspNetCore.Mvc.ViewFeatures.ModelExpression For { get; set; } = null!;

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (output.Attributes.ContainsName("id"))
        {
            return;
        }
        var name = ViewContext.ViewData.TemplateInfo.GetFullHtmlFieldName(For.Name);
        output.Attributes.SetAttribute("id", FieldErrors.IdFor(name));
    }
}

[HtmlTargetElement("input", Attributes = "name")]
[HtmlTargetElement("input", Attributes = "asp-for")]
[HtmlTargetElement("select", Attributes = "name")]
[HtmlTargetElement("select", Attributes = "asp-for")]
[HtmlTargetElement("textarea", Attributes = "name")]
[HtmlTargetElement("textarea", Attributes = "asp-for")]
public sealed class InvalidFieldTagHelper : TagHelper
{
    // After the framework's input, select and textarea tag helpers have written the name.
    public override int Order => 1000;

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (output.Attributes["aria-invalid"] is { } own)
        {
            // Written by the page (e.g. one of two forms that post the same field): the page knows better.
            if (own.Value?.ToString() is { Length: > 0 })
            {
                return;
            }
            output.Attributes.Remove(own);
        }
        if (output.Attributes["type"]?.Value?.ToString() is "hidden" or "submit" or "button"
            || output.Attributes["name"]?.Value?.ToString() is not { Length: > 0 } name
            || ViewContext.ModelState.GetFieldValidationState(name) != Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid)
        {
            return;
        }
        var errorId = FieldErrors.IdFor(name);
        var describedBy = output.Attributes["aria-describedby"]?.Value?.ToString();
        output.Attributes.SetAttribute("aria-invalid", "true");
        output.Attributes.SetAttribute("aria-describedby", string.IsNullOrWhiteSpace(describedBy) ? errorId : describedBy + " " + errorId);
    }
}
