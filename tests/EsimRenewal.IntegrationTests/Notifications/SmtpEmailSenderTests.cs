using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EsimRenewal.Core.Notifications;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.Web.Notifications;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EsimRenewal.IntegrationTests.Notifications;

/// <summary>The SMTP sender against a real SMTP server (smtp4dev), read back through its API.</summary>
public sealed class SmtpEmailSenderTests(SmtpCatcher catcher) : IClassFixture<SmtpCatcher>
{
    /// <summary>A 1×1 PNG.</summary>
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private EmailOptions Settings(int? port = null, TimeSpan? timeout = null) => new()
    {
        Host = SmtpCatcher.Host,
        Port = port ?? catcher.SmtpPort,
        Security = SecureSocketOptions.None,
        FromAddress = "no-reply@shop.example",
        FromName = "EsimRenewal 旅行 SIM",
        Timeout = timeout ?? TimeSpan.FromSeconds(10),
    };

    private static SmtpEmailSender Sender(EmailOptions settings, ILogger<SmtpEmailSender>? logger = null) =>
        new(Options.Create(settings), logger ?? NullLogger<SmtpEmailSender>.Instance);

    private static string NewRecipient() => $"traveller-{Guid.NewGuid():N}@traveller.example";

    [Fact]
    public async Task A_chinese_message_with_an_inline_png_arrives_with_both_parts_the_sender_the_subject_and_the_image()
    {
        var to = NewRecipient();
        var message = new EmailMessage(
            to,
            "您的 eSIM 已就绪：日本 7天 10GB",
            "您好！您的 eSIM 已就绪。激活码：LPA:1$smdp.example$TEST-MATCHING-ID",
            "<p>您好！您的 eSIM 已就绪。</p><p><img src=\"cid:qr\" alt=\"二维码\"></p>",
            [new EmailImage("qr", "esim-qr.png", "image/png", Png)]);

        await Sender(Settings()).SendAsync(message);

        var received = await catcher.WaitForMessageAsync(to);
        Assert.Equal(("no-reply@shop.example", "EsimRenewal 旅行 SIM"), (received.From, received.FromName));
        Assert.Equal([to], received.To);
        Assert.Equal("您的 eSIM 已就绪：日本 7天 10GB", received.Subject);
        Assert.Equal("multipart/alternative(text/plain, multipart/related(text/html, image/png))", received.Structure);
        Assert.Contains("您好！您的 eSIM 已就绪。激活码：LPA:1$smdp.example$TEST-MATCHING-ID", received.TextBody);
        Assert.Contains("<img src=\"cid:qr\" alt=\"二维码\">", received.HtmlBody);
        var image = Assert.Single(received.InlineParts);
        Assert.Equal(("qr", "image/png", "esim-qr.png", "inline"), (image.ContentId, image.MediaType, image.FileName, image.Disposition));
        Assert.Equal(Png, image.Content);
        Assert.EndsWith("@shop.example", received.MessageId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("【重要】您的 SIM 卡将于 2026-12-03 23:59（日本时间）到期，请及时续费以免断网")]
    [InlineData("【重要】SIMの有効期限は2026年12月3日 23:59（日本時間）です。お早めに更新してください")]
    [InlineData("Your SIM expires on 2026-12-03 23:59 JST — renew now")]
    public async Task Long_subjects_in_every_language_survive_the_trip(string subject)
    {
        var to = NewRecipient();

        await Sender(Settings()).SendAsync(new EmailMessage(to, subject, "text", "<p>html</p>"));

        var received = await catcher.WaitForMessageAsync(to);
        Assert.Equal(subject, received.Subject);
        Assert.Equal("multipart/alternative(text/plain, text/html)", received.Structure);
        Assert.Empty(received.InlineParts);
    }

    [Fact]
    public async Task The_client_authenticates_only_when_a_user_name_is_configured()
    {
        var anonymous = NewRecipient();
        var authenticated = NewRecipient();
        var withCredentials = Settings();
        withCredentials.UserName = "portal";
        withCredentials.Password = "local-test-password";

        await Sender(Settings()).SendAsync(new EmailMessage(anonymous, "s", "t", "<p>h</p>"));
        await Sender(withCredentials).SendAsync(new EmailMessage(authenticated, "s", "t", "<p>h</p>"));

        await catcher.WaitForMessageAsync(anonymous);
        await catcher.WaitForMessageAsync(authenticated);
        Assert.DoesNotContain(ClientCommands(await catcher.SessionLogToAsync(anonymous)), c => c.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase));
        var log = await catcher.SessionLogToAsync(authenticated);
        Assert.Contains(ClientCommands(log), c => c.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("\n235 ", log, StringComparison.Ordinal); // authentication accepted
    }

    [Fact]
    public async Task Sending_to_a_closed_port_throws_so_the_outbox_can_retry()
    {
        var to = NewRecipient();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Sender(Settings(port: ClosedPort())).SendAsync(new EmailMessage(to, "s", "t", "<p>h</p>")));

        Assert.IsType<SocketException>(error);
        Assert.Empty(await catcher.MessagesToAsync(to));
    }

    [Fact]
    public async Task The_cancellation_token_stops_a_send_to_a_server_that_never_answers()
    {
        using var silent = new SilentServer();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Sender(Settings(port: silent.Port, timeout: TimeSpan.FromMinutes(1))).SendAsync(new EmailMessage(NewRecipient(), "s", "t", "<p>h</p>"), cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The send stopped only after {clock.Elapsed}.");
    }

    [Fact]
    public async Task An_already_cancelled_token_sends_nothing()
    {
        var to = NewRecipient();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Sender(Settings()).SendAsync(new EmailMessage(to, "s", "t", "<p>h</p>"), new CancellationToken(canceled: true)));

        await Task.Delay(300);
        Assert.Empty(await catcher.MessagesToAsync(to));
    }

    [Fact]
    public async Task A_server_that_never_answers_fails_the_send_after_the_configured_timeout()
    {
        using var silent = new SilentServer();
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<TimeoutException>(() =>
            Sender(Settings(port: silent.Port, timeout: TimeSpan.FromSeconds(1))).SendAsync(new EmailMessage(NewRecipient(), "s", "t", "<p>h</p>")));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The send failed only after {clock.Elapsed}.");
    }

    [Fact]
    public async Task The_log_names_the_message_id_and_the_recipient_domain_but_never_the_address_subject_or_body()
    {
        var to = NewRecipient();
        var logger = new ListLogger<SmtpEmailSender>();

        await Sender(Settings(), logger).SendAsync(new EmailMessage(to, "一次性验证码", "验证码 493817", "<p>验证码 493817</p>"));

        var received = await catcher.WaitForMessageAsync(to);
        var line = Assert.Single(logger.Lines);
        Assert.Contains("traveller.example", line, StringComparison.Ordinal);
        Assert.Contains(received.MessageId!, line, StringComparison.Ordinal);
        Assert.DoesNotContain(to, line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("493817", line, StringComparison.Ordinal);
        Assert.DoesNotContain("验证码", line, StringComparison.Ordinal);
    }

    /// <summary>The lines of an SMTP conversation that are not server replies (which start with a code).</summary>
    private static IEnumerable<string> ClientCommands(string log) =>
        log.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !char.IsAsciiDigit(l[0]));

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when disposed
    }

    /// <summary>Accepts TCP connections and never says a word (no SMTP greeting).</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _clients = [];
        private readonly CancellationTokenSource _stop = new();

        public SilentServer()
        {
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                        lock (_clients)
                        {
                            _clients.Add(client);
                        }
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_clients)
            {
                _clients.ForEach(c => c.Dispose());
            }
            _stop.Dispose();
        }
    }

    /// <summary>Keeps every rendered log line with its structured values.</summary>
    private sealed class ListLogger<T> : ILogger<T>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lock (Lines)
            {
                Lines.Add($"{formatter(state, exception)} | {values} | {exception}");
            }
        }
    }
}
