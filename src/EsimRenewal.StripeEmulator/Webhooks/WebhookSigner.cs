using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EsimRenewal.StripeEmulator.Webhooks;

/// <summary>
/// Stripe's <c>Stripe-Signature</c>: <c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256&gt;</c> over <c>"&lt;t&gt;.&lt;raw body&gt;"</c>,
/// keyed with the UTF-8 bytes of the whole <c>whsec_…</c> secret (the prefix is part of the key).
/// </summary>
public static class WebhookSigner
{
    public static string SignatureHeader(string secret, string payload, long timestamp)
    {
        var t = timestamp.ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{payload}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }
}
