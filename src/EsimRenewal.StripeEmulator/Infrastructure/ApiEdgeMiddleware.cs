using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace EsimRenewal.StripeEmulator.Infrastructure;

/// <summary>
/// The edge of the /v1 API: request id and version headers, the wire log, bearer authentication with
/// the emulator's secret key (<c>Emulator:SecretKey</c>), and Stripe's error object for every refused request.
/// </summary>
public sealed class ApiEdgeMiddleware(
    RequestDelegate next,
    RequestLog requestLog,
    TimeProvider time,
    IOptions<EmulatorOptions> options,
    ILogger<ApiEdgeMiddleware> logger)
{
    public const string MissingKeyMessage =
        "You did not provide an API key. You need to provide your API key in the Authorization header, " +
        "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication " +
        "for details, or we can help at https://support.stripe.com/.";

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = Ids.New("req_", 14);
        context.Response.Headers["Request-Id"] = requestId;
        context.Response.Headers["Stripe-Version"] = options.Value.ApiVersion;

        var request = context.Request;
        var body = HttpMethods.IsPost(request.Method) ? await ReadBodyAsync(request) : string.Empty;
        var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty;
        var idempotencyKey = request.Headers["Idempotency-Key"].FirstOrDefault();
        requestLog.Add(request.Method, request.Path, query, body, idempotencyKey, time.GetUtcNow());

        var apiKey = ReadApiKey(request);
        if (apiKey is null || !IsSecretKey(apiKey, options.Value))
        {
            var message = apiKey is null ? MissingKeyMessage : $"Invalid API Key provided: {Mask(apiKey)}";
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, StripeApiException.ErrorJson("invalid_request_error", message));
            return;
        }

        context.Features.Set(new ApiRequest(requestId, apiKey, idempotencyKey, HttpMethods.IsPost(request.Method) ? body : query));
        try
        {
            await next(context);
        }
        catch (StripeApiException error) when (!context.Response.HasStarted)
        {
            logger.LogInformation(
                "Refused {Method} {Path}: {ErrorType} {ErrorCode} on {Param}",
                request.Method, request.Path.Value, error.Type, error.Code, error.Param);
            await WriteErrorAsync(context, error.StatusCode, error.ToJson());
        }
    }

    /// <summary>sk_test_abc…wxyz → sk_test_************wxyz, as Stripe shows it.</summary>
    public static string Mask(string key)
    {
        if (key.Length <= 12)
        {
            return new string('*', key.Length);
        }

        var prefixLength = key.StartsWith("sk_", StringComparison.Ordinal) || key.StartsWith("pk_", StringComparison.Ordinal)
            ? Math.Min(key.IndexOf('_', 3) + 1, 8)
            : 0;
        return key[..prefixLength] + new string('*', key.Length - prefixLength - 4) + key[^4..];
    }

    /// <summary>Whether <paramref name="apiKey"/> is the emulator's secret key (compared in constant time).</summary>
    public static bool IsSecretKey(string apiKey, EmulatorOptions options) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(apiKey), Encoding.UTF8.GetBytes(options.SecretKey));

    /// <summary>The key of a request: <c>Authorization: Bearer sk_…</c>, or HTTP Basic with the key as user name.</summary>
    public static string? ReadApiKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                return decoded.Split(':')[0];
            }
            catch (FormatException)
            {
                return header;
            }
        }

        return header.Trim();
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }

    private static Task WriteErrorAsync(HttpContext context, int status, System.Text.Json.Nodes.JsonObject error)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(error.ToJsonString(), context.RequestAborted);
    }
}
