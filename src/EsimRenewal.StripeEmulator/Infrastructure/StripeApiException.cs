using System.Text.Json.Nodes;

namespace EsimRenewal.StripeEmulator.Infrastructure;

/// <summary>
/// A request that Stripe would refuse. Thrown while reading or applying a /v1 request and turned into
/// Stripe's error object (<c>{"error":{"type","code","param","message"}}</c>) at the edge, the way the
/// real API answers: parsing nested form parameters with early returns everywhere would hide the rules.
/// </summary>
public sealed class StripeApiException(
    int statusCode,
    string type,
    string message,
    string? code = null,
    string? param = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string Type { get; } = type;

    public string? Code { get; } = code;

    public string? Param { get; } = param;

    public static StripeApiException Invalid(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, "invalid_request_error", message, code, param);

    public static StripeApiException Missing(string param) =>
        Invalid($"Missing required param: {param}.", param, "parameter_missing");

    public static StripeApiException InvalidInteger(string param, string value) =>
        Invalid($"Invalid integer: {value}", param, "parameter_invalid_integer");

    public static StripeApiException Unknown(string param) =>
        Invalid($"Received unknown parameter: {param}", param, "parameter_unknown");

    /// <summary>An object named in the URL does not exist: HTTP 404.</summary>
    public static StripeApiException NoSuch(string objectName, string id) =>
        new(StatusCodes.Status404NotFound, "invalid_request_error", $"No such {objectName}: '{id}'", "resource_missing", "id");

    /// <summary>An object named in a parameter does not exist: HTTP 400.</summary>
    public static StripeApiException NoSuchParam(string objectName, string id, string param) =>
        Invalid($"No such {objectName}: '{id}'", param, "resource_missing");

    public JsonObject ToJson() => ErrorJson(Type, Message, Code, Param);

    public static JsonObject ErrorJson(string type, string message, string? code = null, string? param = null)
    {
        var error = new JsonObject();
        if (code is not null)
        {
            error["code"] = code;
            error["doc_url"] = "https://stripe.com/docs/error-codes/" + code.Replace('_', '-');
        }

        error["message"] = message;
        if (param is not null)
        {
            error["param"] = param;
        }

        error["type"] = type;
        return new JsonObject { ["error"] = error };
    }
}
