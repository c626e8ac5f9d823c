using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Options;

namespace EsimRenewal.IntegrationTests.Legal;

/// <summary>The legal pages need the seller's details: without them the portal does not start.</summary>
public sealed class OperatorConfigurationTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Theory]
    [InlineData("Operator:Name", "")]
    [InlineData("Operator:Representative", "")]
    [InlineData("Operator:Address", " ")]
    [InlineData("Operator:Phone", "")]
    [InlineData("Operator:Email", "")]
    [InlineData("Operator:InvoiceRegistrationNumber", "")]
    [InlineData("Operator:InvoiceRegistrationNumber", "1234567890123")]
    [InlineData("Operator:InvoiceRegistrationNumber", "T12345")]
    public void The_portal_refuses_to_start_without_a_proper_operator_setting(string setting, string value)
    {
        using var factory = portal.Factory.WithWebHostBuilder(b => b.UseSetting(setting, value));

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains($"Operator settings are missing or malformed: {setting}.", validation.Message);
    }

    [Fact]
    public void Support_hours_are_optional()
    {
        using var factory = portal.Factory.WithWebHostBuilder(b => b.UseSetting("Operator:SupportHours", ""));

        Assert.NotNull(factory.Server);
    }
}
