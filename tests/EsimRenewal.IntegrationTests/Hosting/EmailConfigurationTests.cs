using EsimRenewal.Core.Notifications;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EsimRenewal.IntegrationTests.Hosting;

public sealed class EmailConfigurationTests(PortalFixture portal, SmtpCatcher catcher) : IClassFixture<PortalFixture>, IClassFixture<SmtpCatcher>
{
    private void AssertRefusesToStart(string key, string value, string reason)
    {
        using var factory = portal.Factory.WithWebHostBuilder(b => b.UseSetting(key, value));

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains(reason, validation.Message);
    }

    [Fact]
    public void The_portal_refuses_to_start_without_an_smtp_host()
    {
        AssertRefusesToStart("Email:Host", "", "Email:Host is required");
    }

    [Fact]
    public void The_portal_refuses_to_start_with_a_sender_that_is_not_an_address()
    {
        AssertRefusesToStart("Email:FromAddress", "EsimRenewal", "Email:FromAddress must be an email address");
    }

    [Fact]
    public void The_portal_refuses_to_start_with_a_port_out_of_range()
    {
        AssertRefusesToStart("Email:Port", "70000", "Email:Port must be 1 to 65535");
    }

    [Fact]
    public async Task The_portal_sends_through_the_smtp_server_its_settings_name()
    {
        await using var factory = portal.Factory.WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in catcher.PortalSettings)
            {
                b.UseSetting(key, value);
            }
        });
        var to = $"guest-{Guid.NewGuid():N}@traveller.example";

        await factory.Services.GetRequiredService<IEmailSender>().SendAsync(new EmailMessage(to, "ご注文ありがとうございます", "テキスト", "<p>HTML</p>"));

        var received = await catcher.WaitForMessageAsync(to);
        Assert.Equal((PortalFactory.EmailSettings["Email:FromAddress"], PortalFactory.EmailSettings["Email:FromName"]), (received.From, received.FromName));
        Assert.Equal("ご注文ありがとうございます", received.Subject);
    }

    [Fact]
    public async Task Test_hosts_send_nowhere_unless_a_test_points_them_at_a_catcher()
    {
        var sender = portal.Factory.Services.GetRequiredService<IEmailSender>();

        await Assert.ThrowsAnyAsync<Exception>(() => sender.SendAsync(new EmailMessage("guest@traveller.example", "s", "t", "<p>h</p>")));
    }
}
