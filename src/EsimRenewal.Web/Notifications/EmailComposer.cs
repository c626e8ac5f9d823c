using System.Globalization;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Reminders;
using EsimRenewal.Web.Accounts;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Infrastructure.Localization;
using EsimRenewal.Web.Legal;
using EsimRenewal.Web.Orders;
using EsimRenewal.Web.Sims;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Notifications;

/// <summary>
/// Writes each outgoing email in its recipient's language from what the database holds when it is
/// sent: the order confirmation with its receipt (and a new eSIM's QR code), the expiry reminder, the
/// one-time code, the invitation of a staff or admin account. Returns null for an email that is no longer worth sending (a reminder of an expiry
/// a renewal has moved).
/// </summary>
public sealed class EmailComposer(
    OrderService orders,
    ReminderService reminders,
    UserAdminService accounts,
    OrderLinks links,
    IStringLocalizer<SharedResource> t,
    IOptions<SiteOptions> site,
    IOptions<OperatorOptions> seller,
    TimeProvider clock)
{
    public async Task<EmailMessage?> ComposeAsync(OutgoingEmail email, CancellationToken ct)
    {
        var culture = CultureInfo.GetCultureInfo(Cultures.Normalize(email.Culture));
        var (previous, previousUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
        try
        {
            return email.Kind switch
            {
                EmailKind.OrderConfirmation => await OrderConfirmationAsync(email, ct),
                EmailKind.ExpiryReminder => await ReminderAsync(email, ct),
                EmailKind.OneTimeCode => OneTimeCode(email),
                EmailKind.Invitation => await InvitationAsync(email, ct),
                _ => throw new InvalidOperationException($"No template for {email.Kind}."),
            };
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (previous, previousUi);
        }
    }

    private async Task<EmailMessage?> OrderConfirmationAsync(OutgoingEmail email, CancellationToken ct)
    {
        if (await orders.GetForEmailAsync(email.OrderId!.Value, ct) is not { } order)
        {
            return null;
        }
        var isNewEsim = order.Kind == OrderKind.NewEsim;
        var document = Document(isNewEsim ? t["Email.Order.EsimTitle"] : t["Email.Order.Title", order.Number]);
        document.Paragraph(order.Kind switch
        {
            OrderKind.NewEsim => t["Order.Status.EsimReady", order.Iccid ?? ""],
            OrderKind.Voucher => t["Order.Status.VoucherRedeemed", order.Iccid ?? "", Expiry(order.NewExpiresAt)],
            _ => t["Order.Status.Extended", order.Iccid ?? "", Expiry(order.NewExpiresAt)],
        });
        if (order.ActivationCode is { } activation)
        {
            document.Heading(t["Esim.Activation.Title"])
                .Paragraph(t["Esim.Activation.Intro"])
                .Image("esim-qr", "esim-qr.png", ActivationQr.Png(activation), t["Esim.Activation.QrAlt"], 240)
                .Paragraph(t["Esim.Activation.Manual"])
                .Code(activation)
                .Steps(t["Esim.Activation.IphoneTitle"], [t["Esim.Activation.Iphone1"], t["Esim.Activation.Iphone2"], t["Esim.Activation.Iphone3"], t["Esim.Activation.Iphone4"]])
                .Steps(t["Esim.Activation.AndroidTitle"], [t["Esim.Activation.Android1"], t["Esim.Activation.Android2"], t["Esim.Activation.Android3"], t["Esim.Activation.Android4"]])
                .Paragraph(t["Esim.Activation.Secret"]);
        }
        if (order.HasReceipt)
        {
            document.Heading(t["Receipt.Title"] + " / 領収書（適格簡易請求書）")
                .Table(ReceiptLines.For(t, order, seller.Value));
        }
        // An order placed without an account opens through its signed link; an account's order after signing in.
        var url = email.OrderId is { } id && order.IsGuest ? links.LinkTo(id) : site.Value.Link($"/orders/{order.Id}");
        document.Button(t["Email.Order.View"], url);
        var subject = isNewEsim ? t["Email.Order.EsimSubject", order.Number] : t["Email.Order.Subject", order.Number];
        return document.ToMessage(email.Recipient, subject, Footer());
    }

    private async Task<EmailMessage?> ReminderAsync(OutgoingEmail email, CancellationToken ct)
    {
        var sim = await reminders.GetSubjectAsync(email.SimId!.Value, ct);
        // Renewed since (the expiry moved), expired already, or no longer on an account: not sent.
        if (sim is null || !sim.HasOwner || sim.ExpiresAt != email.SimExpiresAt || sim.ExpiresAt <= clock.GetUtcNow())
        {
            return null;
        }
        var expiry = Jst.Format(sim.ExpiresAt!.Value);
        var when = email.ReminderKind == ReminderKind.OneDayBefore ? t["Email.Reminder.Tomorrow"] : t["Email.Reminder.InThreeDays"];
        var document = Document(t["Email.Reminder.Title", when])
            .Paragraph(t["Email.Reminder.Text", sim.Iccid, expiry])
            .Table([(t["Sims.Plan"], sim.PlanName?.For(CultureInfo.CurrentUICulture) ?? "—"), (t["Sims.ExpiresAt"], expiry)])
            .Button(t["Email.Reminder.Renew"], site.Value.Link($"/sims/{sim.SimId}/renew"))
            .Paragraph(t["Email.Reminder.Why"]);
        return document.ToMessage(email.Recipient, t["Email.Reminder.Subject", IccidTail(sim.Iccid), when], Footer());
    }

    private EmailMessage? OneTimeCode(OutgoingEmail email)
    {
        if (email.Secret is not { } code)
        {
            return null;
        }
        var document = Document(t["Email.Code.Title"])
            .Paragraph(t["Email.Code.Text"])
            .Code(code)
            .Paragraph(t["Email.Code.Validity", (int)Core.Sims.OneTimeCode.Lifetime.TotalMinutes])
            .Paragraph(t["Email.Code.NotYou"]);
        return document.ToMessage(email.Recipient, t["Email.Code.Subject"], Footer());
    }

    /// <summary>
    /// The link is made now, as the email is sent, so it is valid 48 hours from the sending; null when the
    /// invitation no longer applies (accepted, replaced by a newer one, the account locked or gone).
    /// </summary>
    private async Task<EmailMessage?> InvitationAsync(OutgoingEmail email, CancellationToken ct)
    {
        if (await accounts.InvitationLinkAsync(email.UserId!, email.Recipient, ct) is not { } link)
        {
            return null;
        }
        var brand = t["Brand.Name"];
        var document = Document(t["Invite.Email.Title", brand])
            .Paragraph(t["Invite.Email.Text", seller.Value.Name, email.Recipient, AccountText.RoleList(t, link.Roles)])
            .Button(t["Invite.Email.Button"], link.Url)
            .Paragraph(t["Invite.Email.Validity", Jst.Format(link.ExpiresAt)])
            .Paragraph(t["Invite.Email.NotYou"]);
        return document.ToMessage(email.Recipient, t["Invite.Email.Subject", brand], Footer());
    }

    private EmailDocument Document(string title) => new(Cultures.Normalize(CultureInfo.CurrentUICulture.Name), title);

    private string Footer() => t["Email.Footer", seller.Value.Name, seller.Value.Email, site.Value.PublicBaseUrl];

    private static string Expiry(DateTimeOffset? expiresAt) => expiresAt is { } e ? Jst.Format(e) : "";

    private static string IccidTail(string iccid) => iccid.Length > 4 ? "…" + iccid[^4..] : iccid;
}
