using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace EsimRenewal.Web.Notifications;

/// <summary>
/// Configuration section <c>Email</c>: the SMTP server every email goes through (a provider's relay in
/// production; smtp4dev on 127.0.0.1:2525 for ./run.sh). Validated at start-up.
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>SMTP server host name or IP address. Required.</summary>
    public string Host { get; set; } = "";

    /// <summary>SMTP port: 587 (submission with STARTTLS), 465 (TLS on connect), 25, or 2525 locally.</summary>
    public int Port { get; set; } = 587;

    /// <summary>
    /// Transport security, as MailKit's <see cref="SecureSocketOptions"/>: <c>StartTls</c> (STARTTLS
    /// required; the default), <c>SslOnConnect</c> (TLS from the first byte, port 465), <c>Auto</c> (TLS on
    /// connect for 465, otherwise STARTTLS when the server offers it and plain text when it does not) or
    /// <c>None</c> (plain text: a local catcher or a relay on the same host only).
    /// </summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    /// <summary>The sender address, e.g. no-reply@shop.example (an address only, no display name). Required.</summary>
    public string FromAddress { get; set; } = "";

    /// <summary>The sender's display name, e.g. the shop's name. Optional.</summary>
    public string FromName { get; set; } = "";

    /// <summary>User name for SMTP authentication; when empty the client does not authenticate.</summary>
    public string? UserName { get; set; }

    /// <summary>Password for SMTP authentication (from a secret store, never in appsettings).</summary>
    public string? Password { get; set; }

    /// <summary>How long one send (connect, authenticate, transfer) may take before it fails.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when <paramref name="address"/> is a bare addr-spec with a local part and a domain.</summary>
    public static bool IsValidAddress(string? address) =>
        !string.IsNullOrWhiteSpace(address)
        && MailboxAddress.TryParse(address, out var mailbox)
        && string.IsNullOrEmpty(mailbox.Name)
        && mailbox.LocalPart.Length > 0
        && mailbox.Domain.Length > 0
        && mailbox.Address == address.Trim();
}

/// <summary>Refuses to start without an SMTP host and a valid sender address.</summary>
internal sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add("Email:Host is required (the SMTP server; 127.0.0.1 with smtp4dev locally).");
        }
        if (options.Port is < 1 or > 65535)
        {
            failures.Add("Email:Port must be 1 to 65535.");
        }
        if (!EmailOptions.IsValidAddress(options.FromAddress))
        {
            failures.Add("Email:FromAddress must be an email address such as no-reply@shop.example (the display name goes in Email:FromName).");
        }
        if (options.Security is not (SecureSocketOptions.None or SecureSocketOptions.StartTls or SecureSocketOptions.SslOnConnect or SecureSocketOptions.Auto))
        {
            failures.Add("Email:Security must be None, StartTls, SslOnConnect or Auto.");
        }
        if (!string.IsNullOrEmpty(options.UserName) && string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Email:Password is required when Email:UserName is set.");
        }
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > MaxTimeout)
        {
            failures.Add("Email:Timeout must be more than zero and at most 00:05:00.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
