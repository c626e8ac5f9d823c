using EsimRenewal.Web.Notifications;

namespace EsimRenewal.UnitTests.Notifications;

public class EmailDocumentTests
{
    [Fact]
    public void Every_piece_of_text_is_html_encoded_and_kept_verbatim_in_the_text_part()
    {
        var message = new EmailDocument("zh-Hans", "收据 <b>")
            .Paragraph("<script>alert(1)</script>")
            .Table([("名前", "Tom & \"Jerry\"")])
            .Button("查看", "https://shop.example/orders/1?access=a&b=<c>")
            .ToMessage("mei@example.com", "订单 #1", "footer");

        Assert.DoesNotContain("<script>", message.HtmlBody);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", message.HtmlBody);
        Assert.Contains("Tom &amp; &quot;Jerry&quot;", message.HtmlBody);
        Assert.Contains("href=\"https://shop.example/orders/1?access=a&amp;b=&lt;c&gt;\"", message.HtmlBody);
        Assert.Contains("<script>alert(1)</script>", message.TextBody);
        Assert.Contains("名前: Tom & \"Jerry\"", message.TextBody);
        Assert.Contains("https://shop.example/orders/1?access=a&b=<c>", message.TextBody);
        Assert.Contains("<html lang=\"zh-Hans\">", message.HtmlBody);
    }

    [Fact]
    public void An_image_is_attached_inline_and_referenced_by_its_content_id_in_html_only()
    {
        var message = new EmailDocument("en", "eSIM").Image("esim-qr", "qr.png", [1, 2, 3], "QR", 240).ToMessage("a@example.com", "s", "f");

        var image = Assert.Single(message.Images);
        Assert.Equal(("esim-qr", "image/png"), (image.ContentId, image.MediaType));
        Assert.Contains("src=\"cid:esim-qr\"", message.HtmlBody);
        Assert.DoesNotContain("cid:", message.TextBody);
    }
}
