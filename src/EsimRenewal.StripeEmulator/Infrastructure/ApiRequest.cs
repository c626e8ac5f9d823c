namespace EsimRenewal.StripeEmulator.Infrastructure;

/// <summary>What the /v1 edge learnt about the current request, for endpoints to use.</summary>
public sealed class ApiRequest(string requestId, string apiKey, string? idempotencyKey, string rawParameters)
{
    private FormNode? _parameters;

    public string RequestId { get; } = requestId;

    public string ApiKey { get; } = apiKey;

    public string? IdempotencyKey { get; } = idempotencyKey;

    /// <summary>The form body of a POST, or the query string of a GET, exactly as received.</summary>
    public string RawParameters { get; } = rawParameters;

    public FormNode Parameters => _parameters ??= FormNode.Parse(RawParameters);

    public static ApiRequest Of(HttpContext context) =>
        context.Features.Get<ApiRequest>() ?? throw new InvalidOperationException("Not a /v1 request.");
}
