using EsimRenewal.Core.Carrier;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EsimRenewal.Core.Notifications;

/// <summary>Renders an outgoing email in its language; null when it is no longer worth sending.</summary>
public delegate Task<EmailMessage?> ComposeEmail(OutgoingEmail email, CancellationToken ct);

/// <summary>
/// Writes emails into the outbox and delivers them. Rows are claimed with FOR UPDATE SKIP LOCKED
/// inside a transaction, so any number of portal instances can deliver at once and no email goes out
/// twice from two of them; a failure is retried with back-off. Delivery is at least once: a crash
/// after the SMTP server accepted a message and before the row is marked sends it again.
/// </summary>
public sealed class EmailOutbox(EsimDbContext db, IEmailSender sender, TimeProvider clock, ILogger<EmailOutbox> logger)
{
    /// <summary>
    /// Adds the confirmation (receipt) of a fulfilled order to the caller's unit of work, in the buyer's
    /// language: the account's preference, else the language the order was placed in. Nothing without an email.
    /// </summary>
    public static async Task EnqueueConfirmationAsync(EsimDbContext db, Order order, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(order.Email))
        {
            return;
        }
        var preferred = order.UserId is null ? null
            : await db.Users.Where(u => u.Id == order.UserId).Select(u => u.PreferredCulture).SingleOrDefaultAsync(ct);
        EnqueueConfirmation(db, order, preferred ?? order.Culture, now);
    }

    /// <summary>As <see cref="EnqueueConfirmationAsync"/>, for a caller that already read the recipient's language.</summary>
    public static void EnqueueConfirmation(EsimDbContext db, Order order, string culture, DateTimeOffset now)
    {
        if (!string.IsNullOrWhiteSpace(order.Email))
        {
            db.OutgoingEmails.Add(OutgoingEmail.OrderConfirmation(order.Id, order.Email, culture, now));
        }
    }

    /// <summary>Sends up to <paramref name="batchSize"/> due emails; returns how many were attempted.</summary>
    public async Task<int> DispatchAsync(ComposeEmail compose, int batchSize = 10, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var emails = await db.OutgoingEmails
            .FromSql($"""
                SELECT * FROM outgoing_emails
                WHERE sent_at IS NULL AND discarded_at IS NULL AND available_at <= {now}
                ORDER BY available_at, id
                LIMIT {batchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(ct);
        foreach (var email in emails)
        {
            if (email.ExpiresAt <= now)
            {
                email.Discard("Expired before it could be sent.", now);
                continue;
            }
            try
            {
                if (await compose(email, ct) is not { } message)
                {
                    email.Discard("No longer relevant.", clock.GetUtcNow());
                    logger.LogInformation("Email {EmailId} ({EmailKind}) is no longer relevant and was not sent", email.Id, email.Kind);
                    continue;
                }
                await sender.SendAsync(message, ct);
                email.MarkSent(clock.GetUtcNow());
                logger.LogInformation("Email {EmailId} ({EmailKind}) sent", email.Id, email.Kind);
            }
            catch (EmailRejectedException ex)
            {
                email.Discard(ex.Message, clock.GetUtcNow());
                logger.LogWarning("Email {EmailId} ({EmailKind}) was refused for good and is given up: {Error}", email.Id, email.Kind, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var delay = OutboxDispatcher.Backoff(email.Attempts + 1);
                email.MarkFailed(ex.Message, delay, clock.GetUtcNow());
                logger.LogWarning("Email {EmailId} ({EmailKind}) failed (attempt {Attempt}): {Error}; retrying in {Delay}",
                    email.Id, email.Kind, email.Attempts, ex.GetType().Name, delay);
            }
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return emails.Count;
    }
}
