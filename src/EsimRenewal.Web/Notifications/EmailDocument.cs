using System.Net;
using System.Text;
using EsimRenewal.Core.Notifications;

namespace EsimRenewal.Web.Notifications;

/// <summary>
/// One email written once and rendered twice: as plain text and as simple, inline-styled HTML that
/// mail clients show alike. Every piece of text is encoded; nothing from a database reaches the HTML raw.
/// </summary>
public sealed class EmailDocument(string lang, string title)
{
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _html = new();
    private readonly List<EmailImage> _images = [];

    public EmailDocument Paragraph(string text)
    {
        _text.AppendLine(text).AppendLine();
        _html.Append("<p style=\"margin:0 0 16px\">").Append(Encode(text)).Append("</p>");
        return this;
    }

    public EmailDocument Heading(string text)
    {
        _text.AppendLine(text).AppendLine(new string('-', Math.Min(40, text.Length * 2))).AppendLine();
        _html.Append("<h2 style=\"font-size:18px;margin:24px 0 8px\">").Append(Encode(text)).Append("</h2>");
        return this;
    }

    /// <summary>A value to read or copy exactly: a code, an activation string.</summary>
    public EmailDocument Code(string text)
    {
        _text.AppendLine("    " + text).AppendLine();
        _html.Append("<p style=\"margin:0 0 16px;font-family:Consolas,monospace;font-size:18px;word-break:break-all;background:#f3f4f6;padding:8px 12px;border-radius:6px\">")
            .Append(Encode(text)).Append("</p>");
        return this;
    }

    public EmailDocument Table(IEnumerable<(string Label, string Value)> rows)
    {
        _html.Append("<table role=\"presentation\" style=\"border-collapse:collapse;margin:0 0 16px;width:100%\">");
        foreach (var (label, value) in rows)
        {
            _text.Append(label).Append(": ").AppendLine(value);
            _html.Append("<tr><th style=\"text-align:left;padding:4px 12px 4px 0;color:#5b6775;font-weight:normal;vertical-align:top\">")
                .Append(Encode(label)).Append("</th><td style=\"padding:4px 0;overflow-wrap:anywhere;word-break:break-word\">").Append(Encode(value)).Append("</td></tr>");
        }
        _text.AppendLine();
        _html.Append("</table>");
        return this;
    }

    public EmailDocument Steps(string heading, IEnumerable<string> steps)
    {
        _text.AppendLine(heading);
        _html.Append("<p style=\"margin:0 0 4px;font-weight:bold\">").Append(Encode(heading)).Append("</p><ol style=\"margin:0 0 16px\">");
        var n = 1;
        foreach (var step in steps)
        {
            _text.Append(n++).Append(". ").AppendLine(step);
            _html.Append("<li>").Append(Encode(step)).Append("</li>");
        }
        _text.AppendLine();
        _html.Append("</ol>");
        return this;
    }

    public EmailDocument Button(string text, string url)
    {
        _text.AppendLine(text + ": " + url).AppendLine();
        _html.Append("<p style=\"margin:0 0 16px\"><a href=\"").Append(Encode(url))
            .Append("\" style=\"display:inline-block;background:#d6336c;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:bold\">")
            .Append(Encode(text)).Append("</a></p>");
        return this;
    }

    /// <summary>An inline image (HTML part only), e.g. the eSIM QR code.</summary>
    public EmailDocument Image(string contentId, string fileName, byte[] png, string alt, int size)
    {
        _images.Add(new EmailImage(contentId, fileName, "image/png", png));
        _html.Append("<p style=\"margin:0 0 16px\"><img src=\"cid:").Append(Encode(contentId)).Append("\" width=\"").Append(size)
            .Append("\" height=\"").Append(size).Append("\" alt=\"").Append(Encode(alt)).Append("\"></p>");
        return this;
    }

    public EmailMessage ToMessage(string to, string subject, string footer)
    {
        var text = new StringBuilder().AppendLine(title).AppendLine().Append(_text).AppendLine("--").AppendLine(footer).ToString();
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"").Append(Encode(lang)).Append("\"><head><meta charset=\"utf-8\"><title>").Append(Encode(subject)).Append("</title></head>")
            .Append("<body style=\"margin:0;padding:12px;background:#f7f8fa;font-family:-apple-system,'PingFang SC','Hiragino Sans','Noto Sans CJK SC',sans-serif;color:#1d2733;line-height:1.55\">")
            .Append("<div style=\"max-width:600px;margin:0 auto;background:#ffffff;border:1px solid #dde3ea;border-radius:10px;padding:16px\">")
            .Append("<h1 style=\"font-size:22px;margin:0 0 16px\">").Append(Encode(title)).Append("</h1>")
            .Append(_html)
            .Append("<hr style=\"border:none;border-top:1px solid #dde3ea;margin:24px 0 12px\"><p style=\"color:#5b6775;font-size:13px;margin:0\">").Append(Encode(footer)).Append("</p>")
            .Append("</div></body></html>")
            .ToString();
        return new EmailMessage(to, subject, text, html, _images);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
