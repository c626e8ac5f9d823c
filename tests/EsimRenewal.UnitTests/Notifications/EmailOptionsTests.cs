using EsimRenewal.Web.Notifications;
using MailKit.Security;

namespace EsimRenewal.UnitTests.Notifications;

public class EmailOptionsTests
{
    private static EmailOptions Valid() => new()
    {
        Host = "smtp.shop.example",
        Port = 587,
        Security = SecureSocketOptions.StartTls,
        FromAddress = "no-reply@shop.example",
        FromName = "EsimRenewal",
    };

    private static IReadOnlyList<string> Failures(EmailOptions options)
    {
        var result = new EmailOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures.ToList() : [];
    }

    [Fact]
    public void A_host_and_a_sender_address_are_enough()
    {
        Assert.Empty(Failures(Valid()));
    }

    [Fact]
    public void The_shipped_defaults_fail_without_a_host_and_a_sender()
    {
        var failures = Failures(new EmailOptions());

        Assert.Contains(failures, f => f.StartsWith("Email:Host", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Email:FromAddress", StringComparison.Ordinal));
    }

    [Fact]
    public void The_defaults_are_submission_port_587_with_required_starttls_and_a_30_second_timeout()
    {
        var options = new EmailOptions();

        Assert.Equal((587, SecureSocketOptions.StartTls, TimeSpan.FromSeconds(30)), (options.Port, options.Security, options.Timeout));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_host_is_refused(string host)
    {
        var options = Valid();
        options.Host = host;

        Assert.Contains(Failures(options), f => f.StartsWith("Email:Host", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public void A_port_outside_1_to_65535_is_refused(int port)
    {
        var options = Valid();
        options.Port = port;

        Assert.Contains(Failures(options), f => f.StartsWith("Email:Port", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(25)]
    [InlineData(465)]
    [InlineData(65535)]
    public void Ports_from_1_to_65535_are_accepted(int port)
    {
        var options = Valid();
        options.Port = port;

        Assert.Empty(Failures(options));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-reply")]
    [InlineData("no-reply@")]
    [InlineData("@shop.example")]
    [InlineData("no reply@shop.example")]
    [InlineData("Shop <no-reply@shop.example>")]
    [InlineData("a@shop.example, b@shop.example")]
    public void A_sender_that_is_not_one_plain_address_is_refused(string address)
    {
        var options = Valid();
        options.FromAddress = address;

        Assert.Contains(Failures(options), f => f.StartsWith("Email:FromAddress", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(SecureSocketOptions.None)]
    [InlineData(SecureSocketOptions.StartTls)]
    [InlineData(SecureSocketOptions.SslOnConnect)]
    [InlineData(SecureSocketOptions.Auto)]
    public void The_four_security_modes_are_accepted(SecureSocketOptions security)
    {
        var options = Valid();
        options.Security = security;

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Starttls_when_available_is_refused_because_it_silently_falls_back_to_plain_text()
    {
        var options = Valid();
        options.Security = SecureSocketOptions.StartTlsWhenAvailable;

        Assert.Contains(Failures(options), f => f.StartsWith("Email:Security", StringComparison.Ordinal));
    }

    [Fact]
    public void A_user_name_without_a_password_is_refused_and_no_user_name_needs_no_password()
    {
        var options = Valid();
        options.UserName = "apikey";

        Assert.Contains(Failures(options), f => f.StartsWith("Email:Password", StringComparison.Ordinal));

        options.Password = "secret";
        Assert.Empty(Failures(options));
        Assert.Empty(Failures(Valid()));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("00:05:01")]
    public void A_timeout_that_is_not_positive_or_above_five_minutes_is_refused(string timeout)
    {
        var options = Valid();
        options.Timeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Contains(Failures(options), f => f.StartsWith("Email:Timeout", StringComparison.Ordinal));
    }
}
