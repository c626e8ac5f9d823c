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

/// <summary>Sends email (SMTP in every deployment; a local catcher in development and tests).</summary>
public interface IEmailSender
{
    /// <summary>Sends the message or throws; the caller (the email outbox) retries later.</summary>
    Task SendAsync(EmailMessage message, CancellationToken ct = default);
}
