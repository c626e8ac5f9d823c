namespace EsimRenewal.Core.Notifications;

/// <summary>An image shown inside an HTML email, referenced from the HTML as <c>cid:{ContentId}</c>.</summary>
public sealed record EmailImage(string ContentId, string FileName, string MediaType, byte[] Content);

/// <summary>A rendered email: always a plain-text and an HTML part, in the recipient's language.</summary>
public sealed record EmailMessage(string To, string Subject, string TextBody, string HtmlBody, IReadOnlyList<EmailImage> Images)
{
    public EmailMessage(string to, string subject, string textBody, string htmlBody)
        : this(to, subject, textBody, htmlBody, [])
    {
    }
}

/// <summary>The mail server refused this message for good (a bad recipient, a 5xx answer): retrying cannot help.</summary>
public sealed class EmailRejectedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Sends email (SMTP in every deployment; a local catcher in development and tests).</summary>
public interface IEmailSender
{
    /// <summary>
    /// Sends the message or throws: <see cref="EmailRejectedException"/> when the message can never be
    /// delivered, anything else when a later attempt may succeed (the email outbox retries those).
    /// </summary>
    Task SendAsync(EmailMessage message, CancellationToken ct = default);
}
