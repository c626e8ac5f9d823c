using System.Text.Json.Nodes;
using EsimRenewal.StripeEmulator.Infrastructure;
using EsimRenewal.StripeEmulator.State;

namespace EsimRenewal.StripeEmulator.Events;

/// <summary><c>GET /v1/events</c> (filters <c>type</c> with a trailing <c>*</c> wildcard, <c>types[]</c>, <c>created</c>, paging) and <c>GET /v1/events/{id}</c>.</summary>
public static class EventEndpoints
{
    public static void MapEventEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/v1/events", (HttpContext context, EmulatorStore store) =>
        {
            var parameters = ApiRequest.Of(context).Parameters;
            var query = ListQuery.Read(parameters);
            var types = parameters.StringList("types");
            var type = parameters.OptionalString("type");

            var (page, hasMore) = store.Locked(state =>
            {
                var matching = state.Events
                    .Where(e => query.Matches(e.Created) && MatchesType(e.Type, type) && (types.Count == 0 || types.Contains(e.Type)))
                    .OrderByDescending(e => e.Sequence)
                    .ToList();
                return query.Page(matching, e => e.Sequence, id => state.Events.Find(e => e.Id == id)?.Sequence, "event");
            });

            return WireJson.Ok(WireJson.List(page.Select(e => JsonNode.Parse(e.Json)!), hasMore, "/v1/events"));
        });

        api.MapGet("/v1/events/{id}", (string id, EmulatorStore store) =>
        {
            var storedEvent = store.Locked(state => state.Events.Find(e => e.Id == id)) ?? throw StripeApiException.NoSuch("event", id);
            return WireJson.Ok(JsonNode.Parse(storedEvent.Json)!);
        });
    }

    private static bool MatchesType(string eventType, string? filter) =>
        filter is null
        || (filter.EndsWith('*') ? eventType.StartsWith(filter[..^1], StringComparison.Ordinal) : eventType == filter);
}
