using System.Globalization;
using EsimRenewal.Core.Plans;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace EsimRenewal.Web.Plans;

/// <summary>Speed settings (section <c>Performance</c>).</summary>
public sealed class PerformanceOptions
{
    public const string Section = "Performance";

    /// <summary>
    /// Keep anonymous catalogue pages (the storefront, plan pages, legal pages) in the output cache. On by
    /// default; <c>Performance:OutputCache=false</c> renders every request (for measurements and diagnosis).
    /// </summary>
    public bool OutputCache { get; set; } = true;
}

/// <summary>
/// The output cache of the anonymous catalogue pages (docs/decisions/0026). An entry is keyed by path,
/// query, culture and the catalogue's generation on this instance; the generation moves on (and the
/// tagged entries are evicted) when an admin changes the catalogue here, when PostgreSQL signals a change
/// made anywhere (<see cref="CatalogueChangeListener"/>), and when a scheduled version's time comes. A
/// page rendered from data read before a change is stored under the old generation, which no later
/// request looks up: the cache never serves a stale catalogue after the signal arrived.
/// </summary>
public sealed class CatalogueCache(TimeProvider clock, IServiceScopeFactory scopes, IOutputCacheStore store, ILogger<CatalogueCache> logger)
{
    public const string PolicyName = "Catalogue";
    public const string Tag = "catalogue";

    /// <summary>How long a browser or proxy may keep a public catalogue page (a price change shows within this).</summary>
    public static readonly TimeSpan BrowserMaxAge = TimeSpan.FromSeconds(30);

    private const long Unknown = -1;
    private const long NoneScheduled = long.MaxValue;

    /// <summary>The generation (as the cache key's value) and when the next scheduled version goes on sale (UTC ticks).</summary>
    private sealed record State(long Generation, string Key, long NextChangeTicks);

    private State _state = new(0, "0", Unknown);
    private volatile bool _listening;

    /// <summary>Whether <see cref="CatalogueChangeListener"/> hears PostgreSQL's change signal; pages are kept only then.</summary>
    public bool Listening
    {
        get => _listening;
        set => _listening = value;
    }

    /// <summary>The generation to key this request's entry by; first evicts if a scheduled change has taken effect.</summary>
    public async ValueTask<string?> GenerationAsync(CancellationToken ct)
    {
        if (!_listening)
        {
            return null;
        }
        var state = Volatile.Read(ref _state);
        if (state.NextChangeTicks == Unknown)
        {
            state = await LearnNextChangeAsync(state, ct);
            if (state is null)
            {
                return null; // the database did not answer: render without the cache
            }
        }
        if (clock.GetUtcNow().UtcTicks >= state.NextChangeTicks)
        {
            logger.LogInformation("A scheduled plan version went on sale: the catalogue pages are rendered again");
            await EvictAsync(ct);
            return null;
        }
        return state.Key;
    }

    /// <summary>Forgets every cached catalogue page on this instance (the catalogue changed).</summary>
    public async Task EvictAsync(CancellationToken ct = default)
    {
        State current, next;
        do
        {
            current = Volatile.Read(ref _state);
            var generation = current.Generation + 1;
            next = new State(generation, generation.ToString(CultureInfo.InvariantCulture), Unknown);
        }
        while (Interlocked.CompareExchange(ref _state, next, current) != current);
        await store.EvictByTagAsync(Tag, ct);
    }

    private async Task<State?> LearnNextChangeAsync(State state, CancellationToken ct)
    {
        DateTimeOffset? next;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            next = await scope.ServiceProvider.GetRequiredService<CatalogService>().NextScheduledChangeAsync(clock.GetUtcNow(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "The next scheduled plan change could not be read; the catalogue is rendered without the cache");
            return null;
        }
        var learned = state with { NextChangeTicks = next?.UtcTicks ?? NoneScheduled };
        // Only if nothing changed meanwhile: a change made during the query may have scheduled an earlier version.
        return Interlocked.CompareExchange(ref _state, learned, state) == state ? learned : Volatile.Read(ref _state);
    }

    /// <summary>
    /// Whether a request may get (and make) a shared copy: GET or HEAD, nobody signed in, no Authorization
    /// header, and no cookie of the portal's own other than the language (a sign-in, a status message in
    /// TempData, an antiforgery token or a quick-renewal ticket all make the page someone's own).
    /// </summary>
    public static bool IsSharedRequest(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return false;
        }
        if (context.User.Identity?.IsAuthenticated == true || !StringValues.IsNullOrEmpty(request.Headers.Authorization))
        {
            return false;
        }
        foreach (var (name, _) in request.Cookies)
        {
            if (name != EsimRenewal.Web.Infrastructure.Localization.Cultures.CookieName && IsPortalCookie(name))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsPortalCookie(string name) =>
        name.StartsWith("esim.", StringComparison.Ordinal)
        || name.StartsWith(".AspNetCore.", StringComparison.Ordinal)
        || name.StartsWith("Identity.", StringComparison.Ordinal);

    /// <summary>The storefront's filters and their values; any other query (or value) is rendered but not kept.</summary>
    private static readonly Dictionary<string, string[]> QueryValues = new(StringComparer.Ordinal)
    {
        ["duration"] = ["", .. Enum.GetNames<DurationBand>().Select(n => n.ToLowerInvariant())],
        ["kind"] = ["", .. Enum.GetNames<SimKind>().Select(n => n.ToLowerInvariant())],
    };

    /// <summary>A query the cache keys by: only known filters with known values, so no URL made up by a client fills the cache.</summary>
    public static bool IsKnownQuery(IQueryCollection query)
    {
        foreach (var (key, values) in query)
        {
            if (!QueryValues.TryGetValue(key, out var allowed) || values.Count != 1 || !allowed.Contains(values[0]))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>The output-cache policy of the catalogue pages: see <see cref="CatalogueCache"/>.</summary>
internal sealed class CataloguePagePolicy : IOutputCachePolicy
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public async ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        string? generation = null;
        if (CatalogueCache.IsSharedRequest(http) && CatalogueCache.IsKnownQuery(http.Request.Query))
        {
            generation = await http.RequestServices.GetRequiredService<CatalogueCache>().GenerationAsync(cancellation);
        }
        var cacheable = generation is not null;
        context.EnableOutputCaching = cacheable;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true;
        if (!cacheable)
        {
            return;
        }
        context.CacheVaryByRules.QueryKeys = "*"; // as the default policy (not used here) does: each filter is its own page
        context.CacheVaryByRules.VaryByValues["generation"] = generation!;
        context.CacheVaryByRules.VaryByValues["culture"] = CultureInfo.CurrentUICulture.Name;
        context.Tags.Add(CatalogueCache.Tag);
        context.ResponseExpirationTimeSpan = Lifetime;
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var response = context.HttpContext.Response;
        // Like the framework's default policy: only a 200 that sets no cookie is kept.
        if (response.StatusCode != StatusCodes.Status200OK || !StringValues.IsNullOrEmpty(response.Headers.SetCookie))
        {
            context.AllowCacheStorage = false;
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Marks a catalogue page: kept in the output cache (when <see cref="PerformanceOptions.OutputCache"/> is on)
/// and, for a shared request, sent as public for a short while, varying by language (cookie or Accept-Language).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CataloguePageAttribute : Attribute, IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        var http = context.HttpContext;
        // Set before the page renders (the output cache takes its copy of the headers when the body starts).
        if (executed.Result is null or PageResult { StatusCode: null or StatusCodes.Status200OK } && executed.Exception is null && CatalogueCache.IsSharedRequest(http))
        {
            http.Response.Headers.CacheControl = $"public, max-age={(int)CatalogueCache.BrowserMaxAge.TotalSeconds}";
            http.Response.Headers.Vary = new StringValues([HeaderNames.AcceptLanguage, HeaderNames.Cookie]);
        }
    }
}

/// <summary>After an admin's change to the catalogue on this instance, its pages are rendered again at once.</summary>
internal sealed class EvictCatalogueAfterChangeFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        await next();
        if (!HttpMethods.IsGet(context.HttpContext.Request.Method) && !HttpMethods.IsHead(context.HttpContext.Request.Method))
        {
            await context.HttpContext.RequestServices.GetRequiredService<CatalogueCache>().EvictAsync(CancellationToken.None);
        }
    }
}
