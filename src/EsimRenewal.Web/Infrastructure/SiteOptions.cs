namespace EsimRenewal.Web.Infrastructure;

/// <summary>Configuration section <c>Site</c>: where the portal is reached from outside (links in emails).</summary>
public sealed class SiteOptions
{
    public const string Section = "Site";

    /// <summary>The public address, e.g. <c>https://shop.example.jp</c> (no trailing slash needed).</summary>
    public string PublicBaseUrl { get; set; } = "";

    public static bool IsValid(SiteOptions options) =>
        Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && string.IsNullOrEmpty(uri.Query);

    /// <summary>An absolute URL for a path of the portal.</summary>
    public string Link(string pathAndQuery) => PublicBaseUrl.TrimEnd('/') + pathAndQuery;
}
