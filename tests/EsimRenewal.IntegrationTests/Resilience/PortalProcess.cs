using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EsimRenewal.Core.Data;
using EsimRenewal.IntegrationTests.Infrastructure;

namespace EsimRenewal.IntegrationTests.Resilience;

/// <summary>
/// The portal as an operating-system process of its own (<c>dotnet EsimRenewal.Web.dll</c> on real Kestrel), with
/// the settings of every test host passed as environment variables: a test can run two of them on one database,
/// kill one with SIGKILL and start it again on the same address.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    /// <summary>Exit code of a process killed by SIGKILL (128 + 9).</summary>
    public const int KilledExitCode = 137;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PortalProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Everything the process wrote to standard output and error so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A free loopback port (the same one can be given to a restarted portal).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the portal on <paramref name="port"/> and waits until /healthz answers.</summary>
    public static async Task<PortalProcess> StartAsync(TestDatabase database, int port, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            // The portal as built next to these tests; its own project folder as content root (appsettings.json).
            ArgumentList = { "exec", Path.Combine(AppContext.BaseDirectory, "EsimRenewal.Web.dll") },
            WorkingDirectory = WebProjectDirectory(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = url,
            ["ConnectionStrings:" + EsimDatabase.ConnectionStringName] = database.ConnectionString,
            ["Database:MigrateOnStartup"] = "false",
            ["Seed:DemoData"] = "false",
            ["Seed:AdminEmail"] = "",
            ["Seed:AdminPassword"] = "",
            ["Stripe:SecretKey"] = PortalFactory.StripeSecretKey,
            ["Stripe:WebhookSecret"] = PortalFactory.StripeWebhookSecret,
            ["Vouchers:CodeHashKey"] = PortalFactory.TestVoucherKey,
            ["Site:PublicBaseUrl"] = PortalFactory.PublicBaseUrl,
            ["Workers:Enabled"] = "false",
            ["Vouchers:GenerateInBackground"] = "false",
        };
        foreach (var (key, value) in PortalFactory.OperatorSettings.Concat(PortalFactory.EmailSettings))
        {
            environment[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var portal = new PortalProcess(process, url);
        process.OutputDataReceived += (_, e) => portal.Append(e.Data);
        process.ErrorDataReceived += (_, e) => portal.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await portal.WaitUntilHealthyAsync();
        return portal;
    }

    /// <summary>A client of this portal with its own cookies, not following redirects, asking for English pages.</summary>
    public HttpClient NewClient(System.Net.CookieContainer? cookies = null) => Travellers.NewHttpClient(Url, cookies: cookies);

    /// <summary>Waits for the process to end (it kills itself at a crash point); its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The portal did not end within {timeout}. Its output:\n{Output}");
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The portal ended while starting (exit code {_process.ExitCode}). Its output:\n{Output}");
            }
            try
            {
                using var response = await client.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        await DisposeAsync();
        throw new TimeoutException($"The portal did not answer /healthz within {StartTimeout}. Its output:\n{Output}");
    }

    private static string WebProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EsimRenewal.sln")))
            {
                return Path.Combine(directory.FullName, "src", "EsimRenewal.Web");
            }
        }
        throw new InvalidOperationException("EsimRenewal.sln not found above " + AppContext.BaseDirectory);
    }
}
