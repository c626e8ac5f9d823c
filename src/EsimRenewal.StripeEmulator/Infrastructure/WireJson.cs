using System.Text.Json.Nodes;

namespace EsimRenewal.StripeEmulator.Infrastructure;

/// <summary>Stripe's JSON on the wire: snake_case keys, nulls written out, times in Unix seconds.</summary>
public static class WireJson
{
    public static IResult Ok(JsonNode value) =>
        Results.Text(value.ToJsonString(), "application/json", statusCode: StatusCodes.Status200OK);

    public static long Unix(DateTimeOffset time) => time.ToUnixTimeSeconds();

    public static long? Unix(DateTimeOffset? time) => time?.ToUnixTimeSeconds();

    public static JsonObject Map(IReadOnlyDictionary<string, string> values)
    {
        var map = new JsonObject();
        foreach (var (key, value) in values)
        {
            map[key] = value;
        }

        return map;
    }

    public static JsonArray Array(IEnumerable<string> values) => new(values.Select(value => (JsonNode?)JsonValue.Create(value)).ToArray());

    public static JsonObject List(IEnumerable<JsonNode> data, bool hasMore, string url) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(data.ToArray<JsonNode?>()),
        ["has_more"] = hasMore,
        ["url"] = url,
    };
}
