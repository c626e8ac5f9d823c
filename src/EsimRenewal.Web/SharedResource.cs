namespace EsimRenewal.Web;

/// <summary>
/// Marker for the one resource set of the UI: Resources/SharedResource.{zh-Hans,ja,en}.resx. Keys
/// are symbolic (Storefront.Title), so a missing translation shows as a key, and a unit test checks
/// that every key used in code exists in all three languages.
/// </summary>
public sealed class SharedResource
{
}
