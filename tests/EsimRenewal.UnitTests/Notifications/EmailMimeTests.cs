using System.Text;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Web.Notifications;
using MimeKit;

namespace EsimRenewal.UnitTests.Notifications;

/// <summary>The shape of the MIME message the SMTP sender builds (no network).</summary>
public class EmailMimeTests
{
    private static readonly EmailOptions Settings = new()
    {
        Host = "127.0.0.1",
        FromAddress = "no-reply@shop.example",
        FromName = "EsimRenewal 店铺",
    };

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

    [Fact]
    public void Without_images_the_body_is_alternative_text_and_html_in_utf8()
    {
        using var mime = SmtpEmailSender.Build(new EmailMessage("guest@traveller.example", "续费成功", "您的 SIM 已续费。", "<p>您的 SIM 已续费。</p>"), Settings);

        var alternative = Assert.IsType<MultipartAlternative>(mime.Body);
        Assert.Equal(2, alternative.Count);
        var text = Assert.IsType<TextPart>(alternative[0]);
        var html = Assert.IsType<TextPart>(alternative[1]);
        Assert.True(text.IsPlain);
        Assert.True(html.IsHtml);
        Assert.Equal("utf-8", text.ContentType.Charset);
        Assert.Equal("utf-8", html.ContentType.Charset);
        Assert.Equal("您的 SIM 已续费。", text.Text);
        Assert.Equal("<p>您的 SIM 已续费。</p>", html.Text);
    }

    [Fact]
    public void With_images_the_html_is_related_to_inline_parts_under_their_content_ids()
    {
        var message = new EmailMessage("guest@traveller.example", "eSIM", "text", "<img src=\"cid:qr\">",
            [new EmailImage("qr", "esim-qr.png", "image/png", Png)]);

        using var mime = SmtpEmailSender.Build(message, Settings);

        var alternative = Assert.IsType<MultipartAlternative>(mime.Body);
        Assert.True(Assert.IsType<TextPart>(alternative[0]).IsPlain);
        var related = Assert.IsType<MultipartRelated>(alternative[1]);
        Assert.True(Assert.IsType<TextPart>(related.Root).IsHtml);
        var image = Assert.IsType<MimePart>(related[1]);
        Assert.Equal("qr", image.ContentId);
        Assert.Equal("image/png", image.ContentType.MimeType);
        Assert.Equal("esim-qr.png", image.FileName);
        Assert.Equal(ContentDisposition.Inline, image.ContentDisposition?.Disposition);
        using var content = new MemoryStream();
        image.Content!.DecodeTo(content);
        Assert.Equal(Png, content.ToArray());
    }

    [Fact]
    public void Sender_recipient_subject_and_message_id_come_from_the_settings_and_the_message()
    {
        using var mime = SmtpEmailSender.Build(new EmailMessage("guest@traveller.example", "eSIM の準備ができました", "t", "<p>h</p>"), Settings);

        var from = Assert.Single(mime.From.Mailboxes);
        Assert.Equal(("EsimRenewal 店铺", "no-reply@shop.example"), (from.Name, from.Address));
        Assert.Equal("guest@traveller.example", Assert.Single(mime.To.Mailboxes).Address);
        Assert.Equal("eSIM の準備ができました", mime.Subject);
        Assert.EndsWith("@shop.example", mime.MessageId, StringComparison.Ordinal);

        // The wire form is 7-bit clean in the headers: the subject travels as UTF-8 encoded-words.
        using var wire = new MemoryStream();
        var smtpFormat = FormatOptions.Default.Clone();
        smtpFormat.NewLineFormat = NewLineFormat.Dos;
        mime.WriteTo(smtpFormat, wire);
        var headers = Encoding.ASCII.GetString(wire.ToArray()).Split("\r\n\r\n")[0];
        var subjectLine = headers.Split("\r\n").Single(l => l.StartsWith("Subject:", StringComparison.Ordinal));
        Assert.Contains("=?utf-8?", subjectLine, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("準備", headers, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-address")]
    [InlineData("a@traveller.example, b@traveller.example")]
    public void A_recipient_that_is_not_one_address_is_refused_before_any_connection(string to)
    {
        Assert.Throws<ArgumentException>(() => SmtpEmailSender.Build(new EmailMessage(to, "s", "t", "<p>h</p>"), Settings));
    }
}
