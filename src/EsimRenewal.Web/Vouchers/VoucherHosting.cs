using EsimRenewal.Core.Vouchers;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Vouchers;

/// <summary>Composition of the voucher feature: options (validated at start), hashing, services, the generation worker.</summary>
public static class VoucherHosting
{
    public static void AddEsimVouchers(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<VoucherOptions>()
            .Bind(builder.Configuration.GetSection(VoucherOptions.Section))
            .Validate(VoucherOptions.IsValid,
                $"{VoucherOptions.Section}:{nameof(VoucherOptions.CodeHashKey)} must be base64 of at least 32 random bytes (and the attempt limits positive).")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new VoucherCodeHasher(sp.GetRequiredService<IOptions<VoucherOptions>>().Value.KeyBytes()));
        builder.Services.AddSingleton(sp => new VoucherCodeExportCipher(sp.GetRequiredService<IOptions<VoucherOptions>>().Value.KeyBytes()));
        builder.Services.AddScoped<VoucherBatchService>();
        builder.Services.AddScoped<VoucherRedemptionService>();
        builder.Services.AddHostedService<VoucherGenerationWorker>();
    }
}
