using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Infrastructure.Localization;

/// <summary>
/// Localised strings read from the resources once per language and key. A page makes hundreds of
/// look-ups (a label for each table cell), and the resource manager takes a lock for each: under load
/// the requests queued on it. The resources are compiled into the assembly, so a string never changes
/// while the portal runs.
/// </summary>
public sealed class CachedStringLocalizerFactory(ResourceManagerStringLocalizerFactory resources) : IStringLocalizerFactory
{
    // The resource factory hands out one localizer per resource; each gets one cache.
    private readonly ConditionalWeakTable<IStringLocalizer, CachedStringLocalizer> _cached = new();

    public IStringLocalizer Create(Type resourceSource) => Cached(resources.Create(resourceSource));

    public IStringLocalizer Create(string baseName, string location) => Cached(resources.Create(baseName, location));

    private CachedStringLocalizer Cached(IStringLocalizer localizer) => _cached.GetValue(localizer, l => new CachedStringLocalizer(l));
}

/// <summary>A localizer that keeps each string it has read, per UI language (see <see cref="CachedStringLocalizerFactory"/>).</summary>
public sealed class CachedStringLocalizer(IStringLocalizer localizer) : IStringLocalizer
{
    private readonly ConcurrentDictionary<(string Culture, string Name), LocalizedString> _strings = new();

    public LocalizedString this[string name] =>
        _strings.GetOrAdd((CultureInfo.CurrentUICulture.Name, name), static (key, l) => l[key.Name], localizer);

    /// <summary>Formats the kept string as the resource localizer does (a missing key formats its own name).</summary>
    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var format = this[name];
            return new LocalizedString(name, string.Format(CultureInfo.CurrentCulture, format.Value, arguments), format.ResourceNotFound, format.SearchedLocation);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => localizer.GetAllStrings(includeParentCultures);
}
