using System.Net;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>
/// Submits the real HTML forms of a page, like a browser: every field the form carries (including
/// the antiforgery token) plus the values the test types in.
/// </summary>
public static class HtmlForms
{
    public static async Task<IHtmlDocument> GetDocumentAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return await ParseAsync(response);
    }

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var context = BrowsingContext.New(Configuration.Default);
        var document = await context.OpenAsync(r => r.Content(html).Address(response.RequestMessage!.RequestUri!));
        return (IHtmlDocument)document;
    }

    /// <summary>Fills and submits the form matching <paramref name="formSelector"/>; returns the response.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(
        this HttpClient client,
        IHtmlDocument page,
        string formSelector,
        IReadOnlyDictionary<string, string> values,
        string? submitButtonSelector = null)
    {
        var form = page.QuerySelector<IHtmlFormElement>(formSelector)
            ?? throw new InvalidOperationException($"No form '{formSelector}' on {page.Url}.");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name):
                    if (input.Type is "checkbox" or "radio")
                    {
                        if (input.IsChecked && !values.ContainsKey(input.Name))
                        {
                            fields.Add(new(input.Name, input.Value));
                        }
                    }
                    else if (input.Type is not ("submit" or "button") && !values.ContainsKey(input.Name))
                    {
                        fields.Add(new(input.Name, input.Value));
                    }
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name) && !values.ContainsKey(select.Name):
                    fields.Add(new(select.Name, select.Value ?? ""));
                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name) && !values.ContainsKey(area.Name):
                    fields.Add(new(area.Name, area.Value));
                    break;
            }
        }
        if (submitButtonSelector is not null && form.QuerySelector(submitButtonSelector) is IHtmlButtonElement button && !string.IsNullOrEmpty(button.Name))
        {
            fields.Add(new(button.Name, button.Value));
        }
        fields.AddRange(values);
        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? page.Url : form.Action;
        using var content = new FormUrlEncodedContent(fields);
        return await client.PostAsync(action, content);
    }

    public static string Text(this IDocument document, string selector) =>
        document.QuerySelector(selector)?.TextContent.Trim() ?? throw new InvalidOperationException($"No '{selector}' on the page.");

    public static IReadOnlyList<string> Errors(this IDocument document) =>
        document.QuerySelectorAll(".field-error, .validation-summary li").Select(e => e.TextContent.Trim()).Where(t => t.Length > 0).ToList();

    public static void AssertNotServerError(this HttpResponseMessage response) =>
        Assert.True((int)response.StatusCode < 500, $"Server error {(int)response.StatusCode} for {response.RequestMessage?.RequestUri}");

    public static bool IsRedirect(this HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found;
}
