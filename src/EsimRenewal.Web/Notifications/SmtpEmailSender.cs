using EsimRenewal.Core.Notifications;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace EsimRenewal.Web.Notifications;

/// <summary>
/// <see cref="IEmailSender"/> over SMTP with MailKit. Each send opens its own connection (no client is
/// shared between threads), authenticates only when <see cref="EmailOptions.UserName"/> is set, and
/// either hands the message to the server or throws: <see cref="TimeoutException"/> after
/// <see cref="EmailOptions.Timeout"/>, <see cref="OperationCanceledException"/> when the caller's token is
/// cancelled, MailKit's <c>SmtpCommandException</c>/<c>SmtpProtocolException</c> or a socket/IO exception
/// otherwise, and <see cref="EmailRejectedException"/> for a recipient that is not an address or a
/// permanent (5xx) refusal of the message (retrying cannot help).
/// Bodies, subjects and full addresses are never logged (they carry one-time codes and activation codes);
/// only the message id and the recipient's domain are.
/// </summary>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options, ILogger<SmtpEmailSender> logger) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = options.Value;
        if (!EmailOptions.IsValidAddress(message.To))
        {
            throw new EmailRejectedException("The recipient is not a single email address.");
        }
        using var mime = Build(message, settings);
        var recipientDomain = mime.To.Mailboxes.Single().Domain;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(settings.Timeout);
        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, settings.Security, deadline.Token);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", deadline.Token);
            }
            await client.SendAsync(mime, deadline.Token);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The SMTP server {settings.Host}:{settings.Port} did not take the message within {settings.Timeout}.", ex);
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500 && ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.SenderNotAccepted or SmtpErrorCode.MessageNotAccepted)
        {
            // A permanent refusal (5xx) of this message or its recipient: sending it again cannot help.
            throw new EmailRejectedException($"The SMTP server refused the message for good ({(int)ex.StatusCode}).", ex);
        }

        logger.LogInformation("Email {MessageId} accepted by the SMTP server for a recipient at {RecipientDomain}", mime.MessageId, recipientDomain);
        await QuitQuietlyAsync(client);
    }

    /// <summary>
    /// The MIME message: From, To, a UTF-8 Subject and multipart/alternative of text/plain and HTML; with
    /// images, the HTML part is multipart/related holding each image inline under its Content-Id.
    /// </summary>
    internal static MimeMessage Build(EmailMessage message, EmailOptions settings)
    {
        if (!EmailOptions.IsValidAddress(message.To))
        {
            throw new ArgumentException("The recipient is not a single email address.", nameof(message));
        }
        var from = new MailboxAddress(settings.FromName, settings.FromAddress);

        var text = new TextPart("plain");
        text.SetText("utf-8", message.TextBody);
        var html = new TextPart("html");
        html.SetText("utf-8", message.HtmlBody);

        MimeEntity htmlEntity = html;
        if (message.Images.Count > 0)
        {
            var related = new MultipartRelated { html }; // the first part is the root
            foreach (var image in message.Images)
            {
                related.Add(Inline(image));
            }
            htmlEntity = related;
        }

        var mime = new MimeMessage
        {
            Subject = message.Subject,
            Body = new MultipartAlternative { text, htmlEntity },
            // The sender's domain, not this machine's host name (which MimeKit would use).
            MessageId = MimeUtils.GenerateMessageId(from.Domain),
        };
        mime.From.Add(from);
        mime.To.Add(MailboxAddress.Parse(message.To.Trim()));
        return mime;
    }

    private static MimePart Inline(EmailImage image) => new(ContentType.Parse(image.MediaType))
    {
        Content = new MimeContent(new MemoryStream(image.Content, writable: false)),
        ContentId = image.ContentId,
        ContentDisposition = new ContentDisposition(ContentDisposition.Inline),
        ContentTransferEncoding = ContentEncoding.Base64,
        FileName = image.FileName,
    };

    /// <summary>
    /// Ends the session politely once the server has accepted the message. A failure here must not throw:
    /// the message is already on its way, and throwing would make the caller send it again.
    /// </summary>
    private async Task QuitQuietlyAsync(SmtpClient client)
    {
        try
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.DisconnectAsync(quit: true, quit.Token);
        }
        catch (Exception ex)
        {
            logger.LogDebug("SMTP QUIT after a sent message failed: {Error}", ex.GetType().Name);
        }
    }
}
