using System.Globalization;
using EsimRenewal.Core.Reminders;

namespace EsimRenewal.Core.Notifications;

public enum EmailKind
{
    /// <summary>An order was fulfilled: the receipt, and for a new eSIM its activation.</summary>
    OrderConfirmation,

    /// <summary>A SIM expires soon (3 days or 1 day before, in JST).</summary>
    ExpiryReminder,

    /// <summary>A one-time code for renewing an eSIM without an account.</summary>
    OneTimeCode,

    /// <summary>An admin created a staff or admin account: a link to set its password (made when sent, valid 48 hours).</summary>
    Invitation,
}

/// <summary>
/// An email to send, written in the same transaction as the event it reports and delivered later by
/// the email worker with retries (an outbox). It holds what the email is about, not its text: the
/// worker renders it in <see cref="Culture"/> when it sends. Unique on <see cref="DedupeKey"/>: one
/// email per order, per reminder, per code.
/// </summary>
public sealed class OutgoingEmail
{
    public const int RecipientMaxLength = 256;
    public const int DedupeKeyMaxLength = 200;
    public const int ErrorMaxLength = 2000;
    public const int SecretMaxLength = 20;

    /// <summary>After this many failed attempts (about a day of back-off) an email is given up.</summary>
    public const int MaxAttempts = 12;

    private OutgoingEmail()
    {
    }

    private OutgoingEmail(EmailKind kind, string recipient, string culture, string dedupeKey, DateTimeOffset now, DateTimeOffset? expiresAt)
    {
        Kind = kind;
        Recipient = recipient;
        Culture = culture;
        DedupeKey = dedupeKey;
        CreatedAt = now;
        AvailableAt = now;
        ExpiresAt = expiresAt;
    }

    public long Id { get; private set; }
    public EmailKind Kind { get; private set; }
    public string Recipient { get; private set; } = "";

    /// <summary>zh-Hans, ja or en: the recipient's language.</summary>
    public string Culture { get; private set; } = "";
    public Guid? OrderId { get; private set; }
    public Guid? SimId { get; private set; }

    /// <summary>For an invitation: the account invited (its link is made when the email is sent).</summary>
    public string? UserId { get; private set; }

    /// <summary>For a reminder: the expiry it reminds of (a renewal since makes it moot).</summary>
    public DateTimeOffset? SimExpiresAt { get; private set; }
    public ReminderKind? ReminderKind { get; private set; }

    /// <summary>A one-time code, kept only until the email is sent (then erased).</summary>
    public string? Secret { get; private set; }
    public string DedupeKey { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Not sent before this time (back-off after a failure).</summary>
    public DateTimeOffset AvailableAt { get; private set; }

    /// <summary>Not worth sending after this time (a one-time code that has run out).</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }

    /// <summary>Given up: no longer relevant, expired, or failing for too long.</summary>
    public DateTimeOffset? DiscardedAt { get; private set; }
    public string? LastError { get; private set; }

    public static OutgoingEmail OrderConfirmation(Guid orderId, string recipient, string culture, DateTimeOffset now) =>
        new(EmailKind.OrderConfirmation, recipient, culture, "order:" + orderId.ToString("N"), now, null) { OrderId = orderId };

    public static OutgoingEmail Reminder(Guid simId, DateTimeOffset simExpiresAt, ReminderKind kind, string recipient, string culture, DateTimeOffset now) =>
        new(EmailKind.ExpiryReminder, recipient, culture,
            $"reminder:{simId:N}:{simExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}:{kind}", now, simExpiresAt)
        {
            SimId = simId,
            SimExpiresAt = simExpiresAt,
            ReminderKind = kind,
        };

    public static OutgoingEmail OneTimeCode(Guid challengeId, string recipient, string code, string culture, DateTimeOffset now, DateTimeOffset expiresAt) =>
        new(EmailKind.OneTimeCode, recipient, culture, "code:" + challengeId.ToString("N"), now, expiresAt) { Secret = code };

    /// <summary>
    /// An invitation to set the password of a new account. The row holds no link or token: the email
    /// composer makes one when it sends, so no secret is stored. Not sent after <paramref name="expiresAt"/>.
    /// </summary>
    public static OutgoingEmail Invitation(Guid invitationId, string userId, string recipient, string culture, DateTimeOffset now, DateTimeOffset expiresAt) =>
        new(EmailKind.Invitation, recipient, culture, "invitation:" + invitationId.ToString("N"), now, expiresAt) { UserId = userId };

    public void MarkSent(DateTimeOffset now)
    {
        Attempts++;
        SentAt = now;
        Secret = null;
        LastError = null;
    }

    public void Discard(string reason, DateTimeOffset now)
    {
        DiscardedAt = now;
        Secret = null;
        LastError = Truncate(reason);
    }

    public void MarkFailed(string error, TimeSpan retryAfter, DateTimeOffset now)
    {
        Attempts++;
        LastError = Truncate(error);
        AvailableAt = now + retryAfter;
        if (Attempts >= MaxAttempts)
        {
            DiscardedAt = now;
            Secret = null;
        }
    }

    private static string Truncate(string text) => text.Length > ErrorMaxLength ? text[..ErrorMaxLength] : text;
}
