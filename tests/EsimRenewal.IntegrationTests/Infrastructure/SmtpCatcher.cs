using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using MimeKit;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>
/// A real SMTP server for tests: smtp4dev (the local dotnet tool, `dotnet tool restore` brings it)
/// on free loopback ports with an in-memory database. Mail is read back through smtp4dev's REST
/// API and parsed with MimeKit from the raw message. Use it as a class fixture
/// (<c>IClassFixture&lt;SmtpCatcher&gt;</c>) or through <see cref="StartAsync"/>; disposing it kills the
/// process. Tests tell their messages apart by recipient, so give each test its own address.
/// </summary>
public sealed partial class SmtpCatcher : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentDictionary<Guid, ReceivedEmail> _parsed = new();
    private readonly TaskCompletionSource<int> _smtpPort = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Uri> _webAddress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private HttpClient? _http;
    private string? _dataDir;

    /// <summary>The SMTP port on 127.0.0.1.</summary>
    public int SmtpPort { get; private set; }

    /// <summary>The web inbox and REST API, e.g. http://127.0.0.1:41234/.</summary>
    public Uri WebAddress { get; private set; } = null!;

    public const string Host = "127.0.0.1";

    /// <summary>Settings that point a portal host's <c>Email</c> section at this catcher.</summary>
    public IEnumerable<KeyValuePair<string, string?>> PortalSettings =>
    [
        new("Email:Host", Host),
        new("Email:Port", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Email:Security", "None"),
    ];

    public static async Task<SmtpCatcher> StartAsync()
    {
        var catcher = new SmtpCatcher();
        await catcher.InitializeAsync();
        return catcher;
    }

    /// <summary>Starts smtp4dev; when it does not come up, stops it again (a failed fixture is never disposed).</summary>
    public async Task InitializeAsync()
    {
        try
        {
            await StartProcessAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartProcessAsync()
    {
        var root = RepositoryRoot();
        _dataDir = Directory.CreateTempSubdirectory("esim-smtp4dev-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "tool", "run", "smtp4dev", "--",
            "--urls=http://127.0.0.1:0",   // free ports, read back from the log below
            "--smtpport=0",
            "--bindaddress=127.0.0.1",
            "--disableipv6",
            "--imapport=",                  // IMAP and POP3 off
            "--pop3port=",
            "--db=",                        // in-memory database
            "--hostname=localhost",
            "--tlsmode=None",
            "--nousersettings",
            "--messagestokeep=1000",
            $"--baseappdatapath={_dataDir}",
        })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(StartTimeout);
        try
        {
            var exited = _process.WaitForExitAsync(deadline.Token); // completes after the last line of output
            var listening = Task.WhenAll(_smtpPort.Task, _webAddress.Task);
            if (await Task.WhenAny(listening, exited) != listening)
            {
                await exited; // throws when the deadline passed
                throw new InvalidOperationException(NotStartedMessage(root));
            }
            SmtpPort = await _smtpPort.Task;
            WebAddress = await _webAddress.Task;
            _http = new HttpClient { BaseAddress = WebAddress, Timeout = TimeSpan.FromSeconds(30) }; // a loaded CI machine answers slowly
            while (true)
            {
                try
                {
                    using var response = await _http.GetAsync("api/version", deadline.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(100, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"smtp4dev did not answer within {StartTimeout.TotalSeconds} s. Its output:{Environment.NewLine}{OutputTail()}");
        }
    }

    /// <summary>Every message whose envelope or To header names <paramref name="to"/>, oldest first.</summary>
    public async Task<IReadOnlyList<ReceivedEmail>> MessagesToAsync(string to)
    {
        var http = _http ?? throw new InvalidOperationException("The catcher is not started.");
        var page = await http.GetFromJsonAsync<MessagePage>("api/messages?pageSize=1000&sortIsDescending=false")
            ?? throw new InvalidOperationException("smtp4dev answered an empty message list.");
        var messages = new List<ReceivedEmail>();
        foreach (var summary in page.Results.Where(s => s.IsFor(to)))
        {
            if (!_parsed.TryGetValue(summary.Id, out var email))
            {
                var source = await http.GetByteArrayAsync($"api/messages/{summary.Id}/download");
                email = _parsed.GetOrAdd(summary.Id, ReceivedEmail.Parse(summary.Id, source));
            }
            messages.Add(email);
        }
        return messages;
    }

    /// <summary>
    /// The SMTP conversation (commands and replies, as smtp4dev logged it) of the latest session that
    /// delivered a message to <paramref name="to"/>, e.g. to see whether the client sent AUTH.
    /// </summary>
    public async Task<string> SessionLogToAsync(string to)
    {
        var http = _http ?? throw new InvalidOperationException("The catcher is not started.");
        var page = await http.GetFromJsonAsync<SessionPage>("api/sessions?pageSize=1000")
            ?? throw new InvalidOperationException("smtp4dev answered an empty session list.");
        foreach (var session in page.Results.OrderByDescending(s => s.StartDate))
        {
            var log = await http.GetStringAsync($"api/sessions/{session.Id}/log");
            if (log.Contains($"TO:<{to}>", StringComparison.OrdinalIgnoreCase))
            {
                return log;
            }
        }
        throw new InvalidOperationException($"No SMTP session delivered to {to}.");
    }

    /// <summary>Waits until a message to <paramref name="to"/> (matching <paramref name="match"/>) has arrived; 30 s by default.</summary>
    public async Task<ReceivedEmail> WaitForMessageAsync(string to, Func<ReceivedEmail, bool>? match = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultWaitTimeout;
        var clock = Stopwatch.StartNew();
        IReadOnlyList<ReceivedEmail> seen;
        while (true)
        {
            if (_process is null || _process.HasExited)
            {
                throw new InvalidOperationException($"smtp4dev is not running. Its output:{Environment.NewLine}{OutputTail()}");
            }
            try
            {
                seen = await MessagesToAsync(to);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && clock.Elapsed < limit)
            {
                // smtp4dev was slow to answer one poll (a loaded machine; its HTTP timeout is 10 s): ask again.
                seen = [];
            }
            var found = seen.FirstOrDefault(m => match is null || match(m));
            if (found is not null)
            {
                return found;
            }
            if (clock.Elapsed >= limit)
            {
                break;
            }
            await Task.Delay(100);
        }
        var subjects = seen.Count == 0 ? "none" : string.Join(", ", seen.Select(m => $"\"{m.Subject}\""));
        throw new TimeoutException($"No message to {to}{(match is null ? "" : " matching the condition")} arrived within {limit.TotalSeconds} s (messages to that address: {subjects}).");
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        _http = null;
        if (_process is not null)
        {
            await StopAsync(_process);
            _process.Dispose();
            _process = null;
        }
        if (_dataDir is not null)
        {
            try
            {
                Directory.Delete(_dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
            _dataDir = null;
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    /// <summary>
    /// `dotnet tool run` starts smtp4dev as its child. SIGTERM lets it stop its child and reap it (a hard
    /// kill of both would leave the child a zombie where PID 1 does not reap); a hard kill is the fallback.
    /// </summary>
    private static async Task StopAsync(Process process)
    {
        try
        {
            if (process.HasExited)
            {
                return;
            }
            if (!OperatingSystem.IsWindows() && SendSignal(process.Id, SigTerm) == 0)
            {
                using var graceful = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await process.WaitForExitAsync(graceful.Token);
                    return;
                }
                catch (OperationCanceledException)
                {
                }
            }
            process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
        }
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
        if (SmtpListening().Match(line) is { Success: true } smtp)
        {
            _smtpPort.TrySetResult(int.Parse(smtp.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (WebListening().Match(line) is { Success: true } web)
        {
            _webAddress.TrySetResult(new Uri(web.Groups[1].Value.TrimEnd('/') + "/"));
        }
    }

    private string OutputTail() => string.Join(Environment.NewLine, _output.TakeLast(40));

    private string NotStartedMessage(string root)
    {
        var output = OutputTail();
        return output.Contains("dotnet tool restore", StringComparison.Ordinal)
            ? $"The smtp4dev tool is not restored: run `dotnet tool restore` in {root} (./test.sh does). dotnet said:{Environment.NewLine}{output}"
            : $"smtp4dev exited before it was ready. Its output:{Environment.NewLine}{output}";
    }

    /// <summary>The folder holding dotnet-tools.json (the repository root), found upwards from the test binaries.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "dotnet-tools.json")) && File.Exists(Path.Combine(dir.FullName, "EsimRenewal.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No dotnet-tools.json above {AppContext.BaseDirectory}: cannot start smtp4dev.");
    }

    [GeneratedRegex(@"SMTP Server is listening on port (\d+)")]
    private static partial Regex SmtpListening();

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex WebListening();

    private sealed record MessagePage([property: JsonPropertyName("results")] IReadOnlyList<MessageSummary> Results);

    private sealed record SessionPage([property: JsonPropertyName("results")] IReadOnlyList<SessionSummary> Results);

    private sealed record SessionSummary(
        [property: JsonPropertyName("id")] Guid Id,
        [property: JsonPropertyName("startDate")] DateTimeOffset StartDate);

    private sealed record MessageSummary(
        [property: JsonPropertyName("id")] Guid Id,
        [property: JsonPropertyName("to")] IReadOnlyList<string>? To,
        [property: JsonPropertyName("deliveredTo")] string? DeliveredTo)
    {
        public bool IsFor(string address) =>
            string.Equals(DeliveredTo, address, StringComparison.OrdinalIgnoreCase)
            || (To ?? []).Any(t => string.Equals(t, address, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>A message as smtp4dev received it, parsed from its raw source.</summary>
public sealed record ReceivedEmail(
    Guid Id,
    IReadOnlyList<string> To,
    string From,
    string FromName,
    string Subject,
    string? TextBody,
    string? HtmlBody,
    IReadOnlyList<ReceivedInlinePart> InlineParts,
    string Structure,
    string? MessageId,
    byte[] Source)
{
    public static ReceivedEmail Parse(Guid id, byte[] source)
    {
        using var stream = new MemoryStream(source, writable: false);
        using var message = MimeMessage.Load(stream);
        var from = message.From.Mailboxes.FirstOrDefault();
        var inline = message.BodyParts.OfType<MimePart>()
            .Where(p => !string.IsNullOrEmpty(p.ContentId))
            .Select(p =>
            {
                using var content = new MemoryStream();
                p.Content?.DecodeTo(content);
                return new ReceivedInlinePart(p.ContentId ?? "", p.ContentType.MimeType, p.FileName, p.ContentDisposition?.Disposition, content.ToArray());
            })
            .ToList();
        return new ReceivedEmail(
            id,
            message.To.Mailboxes.Select(m => m.Address).ToList(),
            from?.Address ?? "",
            from?.Name ?? "",
            message.Subject ?? "",
            message.TextBody,
            message.HtmlBody,
            inline,
            Describe(message.Body),
            message.MessageId,
            source);
    }

    /// <summary>The MIME tree in one line, e.g. <c>multipart/alternative(text/plain, multipart/related(text/html, image/png))</c>.</summary>
    private static string Describe(MimeEntity? entity) => entity switch
    {
        null => "",
        Multipart multipart => $"{multipart.ContentType.MimeType}({string.Join(", ", multipart.Select(Describe))})",
        _ => entity.ContentType.MimeType,
    };
}

/// <summary>A body part carrying a Content-Id (an image the HTML shows as <c>cid:…</c>).</summary>
public sealed record ReceivedInlinePart(string ContentId, string MediaType, string? FileName, string? Disposition, byte[] Content);
