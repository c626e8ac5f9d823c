using System.Net;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace EsimRenewal.IntegrationTests.StripeEmulator;

/// <summary>
/// A minimal browser for the hosted checkout page: keeps cookies, does not follow redirects, parses
/// pages with AngleSharp and submits their real forms (antiforgery token included).
/// </summary>
public sealed class CheckoutPageBrowser : IDisposable
{
    private readonly HttpClient _client = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });

    public async Task<(HttpResponseMessage Response, IDocument Page)> GetAsync(string url)
    {
        var response = await _client.GetAsync(url);
        return (response, await ParseAsync(response, url));
    }

    /// <summary>Submits <paramref name="form"/> with its own fields, <paramref name="values"/> typed in, and the clicked button.</summary>
    public async Task<(HttpResponseMessage Response, IDocument Page)> SubmitAsync(
        IHtmlFormElement form, IDictionary<string, string>? values = null, IHtmlButtonElement? button = null)
    {
        var fields = form.Elements.OfType<IHtmlInputElement>()
            .Where(input => !string.IsNullOrEmpty(input.Name))
            .ToDictionary(input => input.Name!, input => input.Value);
        foreach (var (field, value) in values ?? new Dictionary<string, string>())
        {
            Assert.True(fields.ContainsKey(field), $"The form has no field named {field}.");
            fields[field] = value;
        }

        if (button is { Name: { Length: > 0 } buttonName })
        {
            fields[buttonName] = button.Value;
        }

        Assert.Equal("post", form.Method, ignoreCase: true);
        var action = new Uri(new Uri(form.Owner!.DocumentUri), form.GetAttribute("action")).ToString();
        var response = await _client.PostAsync(action, new FormUrlEncodedContent(fields));
        return (response, await ParseAsync(response, action));
    }

    /// <summary>Pays on the hosted page with a test card (and an email, when checkout asks for one); returns the redirect.</summary>
    public async Task<HttpResponseMessage> PayByCardAsync(string checkoutUrl, string cardNumber, string? email = null)
    {
        var (_, page) = await GetAsync(checkoutUrl);
        var form = (IHtmlFormElement)page.QuerySelector("form#card-form")!;
        var values = new Dictionary<string, string> { ["card_number"] = cardNumber, ["expiry"] = "12 / 34", ["cvc"] = "123" };
        if (email is not null)
        {
            values["email"] = email;
        }
        var (response, _) = await SubmitAsync(form, values);
        return response;
    }

    public void Dispose() => _client.Dispose();

    private static async Task<IDocument> ParseAsync(HttpResponseMessage response, string url)
    {
        var html = await response.Content.ReadAsStringAsync();
        var context = BrowsingContext.New(Configuration.Default);
        return await context.OpenAsync(request => request.Content(html).Address(url));
    }
}
