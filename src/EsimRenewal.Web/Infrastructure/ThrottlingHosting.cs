using System.Security.Cryptography;
using System.Text;
using EsimRenewal.Core.Throttling;
using EsimRenewal.Core.Vouchers;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>Composition of the brute-force limits: options (validated at start), the proof-of-work signer, the limiter.</summary>
public static class ThrottlingHosting
{
    public static void AddEsimThrottling(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AttemptLimitOptions>()
            .Bind(builder.Configuration.GetSection(AttemptLimitOptions.Section))
            .Validate(AttemptLimitOptions.IsValid, "AttemptLimits:* must be positive (MaxFailures ≥ 1, Window and HoldBack > 0, ChallengeMaxNumber 1,000–10,000,000).")
            .ValidateOnStart();
        // The portal's server secret (Vouchers:CodeHashKey) with its own label: a challenge signature can
        // never be mistaken for a voucher hash, and no second secret has to be managed.
        builder.Services.AddSingleton(sp => new ProofOfWork(HKDF.DeriveKey(
            HashAlgorithmName.SHA256, sp.GetRequiredService<IOptions<VoucherOptions>>().Value.KeyBytes(), 32, info: Encoding.ASCII.GetBytes("proof-of-work challenges v1"))));
        builder.Services.AddScoped<AttemptLimiter>();
    }
}
