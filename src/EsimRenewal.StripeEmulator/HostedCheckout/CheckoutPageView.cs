using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using EsimRenewal.StripeEmulator.Infrastructure;
using EsimRenewal.StripeEmulator.State;

namespace EsimRenewal.StripeEmulator.HostedCheckout;

/// <summary>The antiforgery field every form carries.</summary>
public sealed record FormToken(string FieldName, string Value);

/// <summary>
/// The hosted checkout page as plain HTML: line items and total, then one form per payment method the
/// session allows, or the outcome once paid (with the konbini slip and its store simulation buttons).
/// </summary>
public static class CheckoutPageView
{
    private static readonly TimeZoneInfo Japan = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    private const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f6f9fc;color:#1a1f36;margin:0}
        main{max-width:960px;margin:0 auto;padding:24px;display:grid;grid-template-columns:1fr 1fr;gap:32px;align-items:start}
        @media(max-width:760px){main{grid-template-columns:1fr}}
        header{background:#fff;border-bottom:1px solid #e3e8ee;padding:12px 24px;display:flex;justify-content:space-between;align-items:center}
        .badge{background:#ffde92;color:#7a4a00;border-radius:4px;padding:2px 8px;font-size:12px;font-weight:600}
        section{background:#fff;border:1px solid #e3e8ee;border-radius:8px;padding:20px}
        h1{font-size:20px;margin:0 0 12px}h2{font-size:16px;margin:16px 0 8px}
        table{width:100%;border-collapse:collapse}td{padding:6px 0;vertical-align:top}td.amount{text-align:right;white-space:nowrap}
        tr.total td{border-top:1px solid #e3e8ee;font-weight:700;font-size:18px;padding-top:12px}
        .muted{color:#697386;font-size:13px}
        form{margin:0 0 16px;padding:16px;border:1px solid #e3e8ee;border-radius:6px}
        label{display:block;font-size:13px;color:#3c4257;margin:8px 0 4px}
        input{width:100%;box-sizing:border-box;padding:8px 10px;border:1px solid #cfd7df;border-radius:4px;font-size:15px}
        .row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
        button{margin-top:12px;width:100%;padding:10px;border:0;border-radius:4px;background:#635bff;color:#fff;font-size:15px;font-weight:600;cursor:pointer}
        button.secondary{background:#fff;color:#635bff;border:1px solid #635bff}
        .error{background:#fff1f0;border:1px solid #f5a3a3;color:#a41c1c;padding:10px 12px;border-radius:4px;margin-bottom:16px}
        .ok{background:#effaf3;border:1px solid #9fdcb5;color:#0e6245;padding:10px 12px;border-radius:4px;margin-bottom:16px}
        .slip{font-family:ui-monospace,monospace;font-size:20px;letter-spacing:2px}
        a{color:#635bff}
        """;

    public static string Render(CheckoutPageModel m, FormToken token, string? error = null)
    {
        var html = new StringBuilder();
        var lang = m.Locale is null or "auto" ? "en" : m.Locale;
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="{E(lang)}">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>Checkout · Stripe emulator</title><style>{Css}</style></head>
            <body>
            <header><strong>Stripe emulator · Checkout</strong>
            <span><span class="badge">TEST MODE</span> <span class="muted" id="locale">Locale: {E(m.Locale ?? "auto")}</span></span></header>
            <main>
            """);
        Summary(html, m);
        html.Append("<section id=\"payment\">");
        if (error is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"error\" role=\"alert\" id=\"error\">{E(error)}</div>");
        }

        if (m.IsOpen)
        {
            PaymentForms(html, m, token);
        }
        else
        {
            Outcome(html, m, token);
        }

        html.Append("</section></main></body></html>");
        return html.ToString();
    }

    public static string NotFound(string id) => $"""
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not found</title><style>{Css}</style></head>
        <body><main><section><h1>Checkout session not found</h1><p class="muted">No such checkout.session: {E(id)}</p></section></main></body></html>
        """;

    private static void Summary(StringBuilder html, CheckoutPageModel m)
    {
        html.Append("<section id=\"summary\"><h1>Order summary</h1><table>");
        foreach (var line in m.Lines)
        {
            var description = line.Description is null ? string.Empty : $"<br><span class=\"muted\">{E(line.Description)}</span>";
            var quantity = line.Quantity == 1 ? string.Empty : $"<br><span class=\"muted\">Qty {line.Quantity} × {E(Money.Format(line.UnitAmount, m.Currency))}</span>";
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr class="line"><td>{E(line.Name)}{description}{quantity}</td><td class="amount">{E(Money.Format(line.Amount, m.Currency))}</td></tr>
                """);
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            <tr class="total"><td>Total due</td><td class="amount" id="total">{E(Money.Format(m.Total, m.Currency))}</td></tr></table>
            <p class="muted">Session {E(m.Id)} · expires {E(Jst(m.ExpiresAt))}</p>
            """);
        if (m.IsOpen && m.CancelUrl is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><a id=\"cancel\" href=\"{E(m.CancelUrl)}\">← Cancel and return to the shop</a></p>");
        }

        html.Append("</section>");
    }

    private static void PaymentForms(StringBuilder html, CheckoutPageModel m, FormToken token)
    {
        if (m.PaymentMethodTypes.Contains("card"))
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <form method="post" action="/checkout/{E(m.Id)}/card" id="card-form">
                <h2>Pay with card</h2>{Hidden(token)}{EmailField(m)}
                <label for="card_number">Card number</label>
                <input id="card_number" name="card_number" inputmode="numeric" autocomplete="off" placeholder="4242 4242 4242 4242" required>
                <div class="row"><div><label for="expiry">Expiry (MM / YY)</label>
                <input id="expiry" name="expiry" autocomplete="off" placeholder="12 / 34" required></div>
                <div><label for="cvc">CVC</label><input id="cvc" name="cvc" autocomplete="off" placeholder="123" required></div></div>
                <button type="submit">Pay {E(Money.Format(m.Total, m.Currency))}</button>
                <p class="muted">Test cards: 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined.</p>
                </form>
                """);
        }

        foreach (var (type, name) in new[] { ("alipay", "Alipay"), ("wechat_pay", "WeChat Pay"), ("paypay", "PayPay") })
        {
            if (!m.PaymentMethodTypes.Contains(type))
            {
                continue;
            }

            html.Append(CultureInfo.InvariantCulture, $"""
                <form method="post" action="/checkout/{E(m.Id)}/wallet/{type}" id="{type}-form">
                <h2>{name}</h2>{Hidden(token)}{EmailField(m)}
                <p class="muted">In test mode the {name} app is simulated: authorise or fail the test payment.</p>
                <button type="submit" name="decision" value="authorize">Authorize test payment with {name}</button>
                <button type="submit" name="decision" value="fail" class="secondary">Fail test payment</button>
                </form>
                """);
        }

        if (m.PaymentMethodTypes.Contains("konbini"))
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <form method="post" action="/checkout/{E(m.Id)}/konbini" id="konbini-form">
                <h2>Konbini (convenience store)</h2>{Hidden(token)}{EmailField(m)}
                <p class="muted">Pay in cash at FamilyMart, Lawson, Ministop or Seicomart (not 7-Eleven).</p>
                <button type="submit">Get a konbini payment number</button>
                </form>
                """);
        }
    }

    private static void Outcome(StringBuilder html, CheckoutPageModel m, FormToken token)
    {
        if (m.Status == SessionStatus.Expired)
        {
            html.Append("<h1 id=\"status\">This checkout session has expired</h1><p class=\"muted\">Start again from the shop.</p>");
            return;
        }

        if (m.PaymentStatus == PaymentStatus.Paid)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <h1 id="status">Payment complete</h1><div class="ok">Paid {E(Money.Format(m.Total, m.Currency))} with {E(m.PaymentMethodUsed ?? "")}.</div>
                <p><a id="continue" href="{E(m.SuccessUrl)}">Return to the shop</a></p>
                """);
            return;
        }

        if (m.Konbini is not { } slip)
        {
            html.Append("<h1 id=\"status\">Payment not completed</h1>");
            return;
        }

        if (m.PaymentIntentStatus != State.PaymentIntentStatus.RequiresAction)
        {
            html.Append("<h1 id=\"status\">The konbini payment deadline passed</h1><p class=\"muted\">This order was not paid.</p>");
            return;
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            <h1 id="status">Pay at a convenience store</h1>
            <p>Show these numbers at the till of FamilyMart, Lawson, Ministop or Seicomart and pay {E(Money.Format(m.Total, m.Currency))} in cash.</p>
            <label>Payment number</label><div class="slip" id="payment-number">{E(slip.PaymentCode)}</div>
            <label>Confirmation number</label><div class="slip" id="confirmation-number">{E(slip.ConfirmationNumber)}</div>
            <p>Pay by <strong id="deadline">{E(Jst(slip.ExpiresAt))}</strong>.</p>
            <p><a id="continue" href="{E(m.SuccessUrl)}">Return to the shop</a></p>
            <form method="post" action="/checkout/{E(m.Id)}/konbini/paid" id="konbini-paid-form">{Hidden(token)}
            <button type="submit">Simulate payment at the store</button></form>
            <form method="post" action="/checkout/{E(m.Id)}/konbini/lapse" id="konbini-lapse-form">{Hidden(token)}
            <button type="submit" class="secondary">Simulate konbini deadline passing</button></form>
            """);
    }

    private static string EmailField(CheckoutPageModel m) => m.CustomerEmail is { } email
        ? $"<label>Email</label><input name=\"email\" type=\"email\" value=\"{E(email)}\" readonly>"
        : "<label>Email</label><input name=\"email\" type=\"email\" autocomplete=\"email\" required>";

    private static string Hidden(FormToken token) => $"<input type=\"hidden\" name=\"{E(token.FieldName)}\" value=\"{E(token.Value)}\">";

    private static string Jst(DateTimeOffset time) =>
        TimeZoneInfo.ConvertTime(time, Japan).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " JST";

    private static string E(string value) => HtmlEncoder.Default.Encode(value);
}
