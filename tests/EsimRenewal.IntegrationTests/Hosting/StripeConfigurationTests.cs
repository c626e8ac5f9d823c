using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace EsimRenewal.IntegrationTests.Hosting;

public sealed class StripeConfigurationTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private void AssertRefusesToStart(Action<IWebHostBuilder> configure, string reason)
    {
        using var factory = portal.Factory.WithWebHostBuilder(configure);

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains(reason, validation.Message);
    }

    [Fact]
    public void Production_refuses_stripe_test_keys()
    {
        AssertRefusesToStart(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Stripe:ApiBase", "");
        }, "Production refuses Stripe test keys.");
    }

    [Fact]
    public void Production_refuses_the_emulator_address()
    {
        AssertRefusesToStart(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Stripe:SecretKey", "sk_live_portal_tests_only");
            b.UseSetting("Stripe:ApiBase", "http://127.0.0.1:12111");
        }, "Production refuses the Stripe emulator");
    }

    [Fact]
    public void A_missing_webhook_secret_fails_at_boot_not_at_checkout()
    {
        AssertRefusesToStart(b => b.UseSetting("Stripe:WebhookSecret", ""), "Stripe:WebhookSecret");
    }
}
