using EsimRenewal.Core.Payments;
using Microsoft.Extensions.Options;
using Stripe;

namespace EsimRenewal.Web.Payments;

public static class StripeRegistration
{
    /// <summary>Stripe.net against Stripe, or against the local emulator when Stripe:ApiBase is set.</summary>
    public static void AddEsimPayments(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StripeOptions>().Bind(builder.Configuration.GetSection(StripeOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StripeOptions>, StripeOptionsValidator>();
        builder.Services.AddSingleton<IStripeClient>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StripeOptions>>().Value;
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = TimeSpan.FromSeconds(30),
            };
            return new StripeClient(
                options.SecretKey,
                httpClient: new SystemNetHttpClient(http, maxNetworkRetries: 2),
                apiBase: string.IsNullOrWhiteSpace(options.ApiBase) ? null : options.ApiBase.TrimEnd('/'));
        });
        builder.Services.AddScoped<IPaymentGateway, StripePaymentGateway>();
    }
}
