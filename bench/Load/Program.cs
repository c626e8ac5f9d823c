// The bench's load tool: everything wrk cannot do on its own. It signs in through the portal's real
// forms, submits voucher redemptions with the antiforgery token and cookie, prepares paid checkout
// sessions in the Stripe emulator and sends their signed webhook events. One command per call:
//
//   Load codes    --key <base64> --from <serial> --count <n>        COPY lines: serial, code hash, last 4
//   Load signin   --base <url> --email <e> --password <p> [--totp-key <base32>] --out <file>
//   Load redeem   --base <url> --cookie-file <f> --sims <id,id,…> --from <serial> --seconds <s> --connections <c>
//   Load sessions --emulator <url> --key <sk> --orders <file> --out <file>
//   Load webhook  --base <url> --secret <whsec> --sessions <file> --from <n> --count <n> --seconds <s> --connections <c>
//
// redeem and webhook print one line: attempted=… ok=… errors=… rps=… p50=…ms p99=…ms
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

var command = args.Length > 0 ? args[0] : "";
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}
string Opt(string name) => options.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
int IntOpt(string name) => int.Parse(Opt(name), CultureInfo.InvariantCulture);

return command switch
{
    "codes" => Codes.Write(Convert.FromBase64String(Opt("key")), long.Parse(Opt("from"), CultureInfo.InvariantCulture), IntOpt("count")),
    "signin" => await Portal.SignInAsync(Opt("base"), Opt("email"), Opt("password"), options.GetValueOrDefault("totp-key"), Opt("out")),
    "redeem" => await Portal.RedeemAsync(Opt("base"), File.ReadAllText(Opt("cookie-file")).Trim(), Opt("sims").Split(','),
        long.Parse(Opt("from"), CultureInfo.InvariantCulture), IntOpt("seconds"), IntOpt("connections")),
    "sessions" => await Stripe.PrepareSessionsAsync(Opt("emulator"), Opt("key"), Opt("orders"), Opt("out")),
    "webhook" => await Stripe.SendEventsAsync(Opt("base"), Opt("secret"), Opt("sessions"), IntOpt("from"), IntOpt("count"), IntOpt("seconds"), IntOpt("connections")),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Load codes|signin|redeem|sessions|webhook --option value … (see bench/Load/Program.cs)");
    return 2;
}

/// <summary>
/// Voucher codes whose plaintext the bench knows: the 16 data symbols of serial n come from
/// SHA-256("esim-bench-voucher:" + n), the check symbol as EsimRenewal.Core.Vouchers.VoucherCode
/// computes it (GF(32), x^5 + x^2 + 1), the stored hash as VoucherCodeHasher does (HMAC-SHA256 over
/// the 17 canonical symbols with the portal's Vouchers:CodeHashKey).
/// </summary>
internal static class Codes
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int FieldPolynomial = 0b100101;

    public static string Canonical(long serial)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes("esim-bench-voucher:" + serial.ToString(CultureInfo.InvariantCulture)), digest);
        Span<int> symbols = stackalloc int[17];
        int buffer = 0, bits = 0, count = 0;
        foreach (var b in digest[..10])
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                symbols[count++] = (buffer >> bits) & 31;
            }
            buffer &= (1 << bits) - 1;
        }
        int sum = 0, power = 1;
        for (var i = 0; i < 16; i++)
        {
            power = Multiply(power, 2);
            sum ^= Multiply(power, symbols[i]);
        }
        symbols[16] = sum;
        var text = new char[17];
        for (var i = 0; i < 17; i++)
        {
            text[i] = Alphabet[symbols[i]];
        }
        return new string(text);
    }

    /// <summary>The form a traveller types: XXXX-XXXX-XXXX-XXXX-C.</summary>
    public static string Display(long serial)
    {
        var c = Canonical(serial);
        return $"{c[..4]}-{c[4..8]}-{c[8..12]}-{c[12..16]}-{c[16..]}";
    }

    private static int Multiply(int a, int b)
    {
        var product = 0;
        for (; b != 0; b >>= 1)
        {
            if ((b & 1) != 0)
            {
                product ^= a;
            }
            a <<= 1;
            if ((a & 32) != 0)
            {
                a ^= FieldPolynomial;
            }
        }
        return product;
    }

    public static int Write(byte[] key, long from, int count)
    {
        using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
        using var hmac = new HMACSHA256(key);
        for (var serial = from; serial < from + count; serial++)
        {
            var canonical = Canonical(serial);
            var hash = hmac.ComputeHash(Encoding.ASCII.GetBytes(canonical));
            output.Write(serial.ToString(CultureInfo.InvariantCulture));
            output.Write("\t\\\\x");
            output.Write(Convert.ToHexStringLower(hash));
            output.Write('\t');
            output.Write(canonical.AsSpan(12, 4));
            output.Write('\n');
        }
        return 0;
    }
}

/// <summary>Latencies of one measured run, and the line run.sh reads.</summary>
internal sealed class Tally
{
    private readonly List<double> _latenciesMs = [];
    private readonly Lock _gate = new();
    public long Attempted;
    public long Ok;
    public long Errors;
    public readonly Dictionary<string, int> ErrorKinds = [];

    public void Record(double ms, bool ok, string? errorKind)
    {
        lock (_gate)
        {
            _latenciesMs.Add(ms);
            if (ok)
            {
                Ok++;
            }
            else
            {
                Errors++;
                ErrorKinds[errorKind ?? "?"] = ErrorKinds.GetValueOrDefault(errorKind ?? "?") + 1;
            }
        }
    }

    public int Print(double seconds)
    {
        _latenciesMs.Sort();
        double P(double q) => _latenciesMs.Count == 0 ? 0 : _latenciesMs[Math.Min(_latenciesMs.Count - 1, (int)Math.Ceiling(q * _latenciesMs.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"attempted={Attempted} ok={Ok} errors={Errors} rps={Ok / seconds:F1} p50={P(0.50):F2}ms p99={P(0.99):F2}ms"));
        foreach (var (kind, n) in ErrorKinds)
        {
            Console.Error.WriteLine($"  error {kind}: {n}");
        }
        return 0;
    }
}

internal static partial class Portal
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public static HttpClient Client(int connections) => new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A minimal cookie jar: name → value, as a Cookie header.</summary>
    private sealed class Jar
    {
        private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

        public Jar(string? header = null)
        {
            foreach (var part in (header ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = part.IndexOf('=');
                if (eq > 0)
                {
                    _cookies[part[..eq]] = part[(eq + 1)..];
                }
            }
        }

        public void Take(HttpResponseMessage response)
        {
            if (!response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                return;
            }
            foreach (var value in values)
            {
                var pair = value.Split(';')[0];
                var eq = pair.IndexOf('=');
                var name = pair[..eq];
                var content = pair[(eq + 1)..];
                if (content.Length == 0 || value.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                {
                    _cookies.Remove(name);
                }
                else
                {
                    _cookies[name] = content;
                }
            }
        }

        public string Header => string.Join("; ", _cookies.Select(c => c.Key + "=" + c.Value));
    }

    private static async Task<(HttpResponseMessage Response, string Body)> SendAsync(HttpClient http, Jar jar, HttpMethod method, string url, Dictionary<string, string>? form = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.TryAddWithoutValidation("Cookie", jar.Header);
        request.Headers.TryAddWithoutValidation("Accept-Language", "zh-CN");
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }
        var response = await http.SendAsync(request);
        jar.Take(response);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static string Token(string html, string url) =>
        TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
        : throw new InvalidOperationException($"No antiforgery token on {url}");

    /// <summary>Signs in through /account/login (and /account/login/two-factor with a TOTP code); writes the Cookie header.</summary>
    public static async Task<int> SignInAsync(string baseUrl, string email, string password, string? totpKey, string outFile)
    {
        using var http = Client(4);
        var jar = new Jar();
        var (_, page) = await SendAsync(http, jar, HttpMethod.Get, baseUrl + "/account/login");
        var (response, body) = await SendAsync(http, jar, HttpMethod.Post, baseUrl + "/account/login", new()
        {
            ["Input.Identifier"] = email,
            ["Input.Password"] = password,
            ["__RequestVerificationToken"] = Token(page, "/account/login"),
        });
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in of {email} answered {(int)response.StatusCode}: {Snippet(body)}");
        }
        if (totpKey is not null)
        {
            var next = response.Headers.Location!.ToString();
            if (!next.StartsWith("/account/login/two-factor", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Expected the two-factor step after the password, got {next}");
            }
            var (_, twoFactorPage) = await SendAsync(http, jar, HttpMethod.Get, baseUrl + next);
            (response, body) = await SendAsync(http, jar, HttpMethod.Post, baseUrl + next, new()
            {
                ["Input.Code"] = Totp(totpKey),
                ["__RequestVerificationToken"] = Token(twoFactorPage, next),
            });
            if (response.StatusCode != HttpStatusCode.Redirect)
            {
                throw new InvalidOperationException($"The two-factor step answered {(int)response.StatusCode}: {Snippet(body)}");
            }
        }
        await File.WriteAllTextAsync(outFile, jar.Header);
        Console.WriteLine($"signed in {email}");
        return 0;
    }

    /// <summary>RFC 6238: HMAC-SHA1 over the 30-second step, 6 digits (what an authenticator app shows).</summary>
    private static string Totp(string base32Key)
    {
        var key = Base32(base32Key);
        var step = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
        var digest = HMACSHA1.HashData(key, counter);
        var offset = digest[^1] & 0x0F;
        var code = (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(digest.AsSpan(offset)) & 0x7FFFFFFF) % 1_000_000;
        return code.ToString("D6", CultureInfo.InvariantCulture);
    }

    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var ch in text.ToUpperInvariant().TrimEnd('='))
        {
            buffer = (buffer << 5) | alphabet.IndexOf(ch, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        return [.. bytes];
    }

    private static string Snippet(string body) => body.Length > 300 ? body[..300] : body;

    /// <summary>
    /// POST /redeem?handler=Confirm with distinct codes (serials from, from+1, …) onto the account's SIMs in
    /// turn, for the given time. A redirect to /sims is a redemption; anything else is an error.
    /// </summary>
    public static async Task<int> RedeemAsync(string baseUrl, string cookies, string[] sims, long from, int seconds, int connections)
    {
        using var http = Client(connections);
        var jar = new Jar(cookies);
        var (first, page) = await SendAsync(http, jar, HttpMethod.Get, baseUrl + "/redeem");
        if (first.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"/redeem answered {(int)first.StatusCode}: is the account signed in?");
        }
        var token = Token(page, "/redeem");
        var cookieHeader = jar.Header;
        var url = baseUrl + "/redeem?handler=Confirm";
        var tally = new Tally();
        var next = from - 1;
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, connections).Select(async _ =>
        {
            while (clock.Elapsed < deadline)
            {
                var serial = Interlocked.Increment(ref next);
                Interlocked.Increment(ref tally.Attempted);
                var body = $"Input.Code={Codes.Display(serial)}&Input.SimId={sims[serial % sims.Length]}&__RequestVerificationToken={Uri.EscapeDataString(token)}";
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded"),
                };
                request.Headers.TryAddWithoutValidation("Cookie", Volatile.Read(ref cookieHeader));
                request.Headers.TryAddWithoutValidation("Accept-Language", "zh-CN");
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.Headers.Contains("Set-Cookie"))
                    {
                        lock (jar)
                        {
                            // As a browser does: a renewed sign-in cookie is sent from now on.
                            jar.Take(response);
                            Volatile.Write(ref cookieHeader, jar.Header);
                        }
                    }
                    var ok = response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.ToString().StartsWith("/sims", StringComparison.Ordinal) == true;
                    tally.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, ok, ok ? null : $"HTTP {(int)response.StatusCode}{RefusalOf(text)}");
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    tally.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, false, ex.GetType().Name);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        return tally.Print(clock.Elapsed.TotalSeconds);
    }

    private static string RefusalOf(string html)
    {
        var m = Regex.Match(html, "class=\"[^\"]*(?:field-error|validation)[^\"]*\"[^>]*>\\s*(?:<[^>]+>\\s*)*([^<]{1,120})");
        return m.Success ? ": " + m.Groups[1].Value.Trim() : "";
    }
}

internal static class Stripe
{
    /// <summary>
    /// For each seeded order awaiting payment ("order id TAB amount" per line), a checkout session in the
    /// emulator (as the portal's gateway creates one: jpy, the order id in metadata) paid by card; writes
    /// the paid session objects, one JSON per line. The emulator delivers no webhook (its URL is empty):
    /// the timed part sends the events.
    /// </summary>
    public static async Task<int> PrepareSessionsAsync(string emulator, string key, string ordersFile, string outFile)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8 }) { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var orders = (await File.ReadAllLinesAsync(ordersFile)).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToArray();
        var sessions = new string[orders.Length];
        var next = -1;
        var workers = Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < orders.Length)
            {
                var (orderId, amount) = (orders[i][0], orders[i][1]);
                var form = "mode=payment&currency=jpy&line_items[0][quantity]=1&line_items[0][price_data][currency]=jpy"
                    + $"&line_items[0][price_data][unit_amount]={amount}&line_items[0][price_data][product_data][name]=Bench"
                    + $"&client_reference_id={orderId}&metadata[order_id]={orderId}&allowed_payment_method_types[0]=card"
                    + "&success_url=https://shop.example/s&cancel_url=https://shop.example/c";
                using var created = await http.PostAsync(emulator + "/v1/checkout/sessions", new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded"));
                var session = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
                if (!created.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"The emulator refused a session: {session.ToJsonString()}");
                }
                var id = (string)session["id"]!;
                using var paid = await http.PostAsync($"{emulator}/_emulator/sessions/{id}/pay",
                    new StringContent("{\"method\":\"card\"}", Encoding.UTF8, "application/json"));
                var paidSession = JsonNode.Parse(await paid.Content.ReadAsStringAsync())!;
                if (!paid.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"The emulator did not pay {id}: {paidSession.ToJsonString()}");
                }
                sessions[i] = paidSession.ToJsonString();
            }
        }).ToArray();
        await Task.WhenAll(workers);
        await File.WriteAllLinesAsync(outFile, sessions);
        Console.WriteLine($"{sessions.Length} paid sessions");
        return 0;
    }

    /// <summary>
    /// Sends checkout.session.completed for the sessions from line <paramref name="from"/> on, each signed
    /// now (Stripe-Signature: t, v1 = HMAC-SHA256(secret, "t.body")), for the given time. 200 counts as
    /// delivered; run.sh then checks in the database that each delivered event fulfilled its order.
    /// </summary>
    public static async Task<int> SendEventsAsync(string baseUrl, string secret, string sessionsFile, int from, int count, int seconds, int connections)
    {
        var sessions = File.ReadAllLines(sessionsFile);
        using var http = Portal.Client(connections);
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        var url = baseUrl + "/stripe/webhook";
        var tally = new Tally();
        var next = from - 1;
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var exhausted = false;
        var workers = Enumerable.Range(0, connections).Select(async _ =>
        {
            while (clock.Elapsed < deadline)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= sessions.Length || i >= from + count)
                {
                    exhausted = true;
                    return;
                }
                Interlocked.Increment(ref tally.Attempted);
                var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                var body = "{\"id\":\"evt_bench_" + i.ToString(CultureInfo.InvariantCulture) + "\",\"object\":\"event\",\"api_version\":\"2026-10-28.endive\",\"created\":"
                    + created.ToString(CultureInfo.InvariantCulture) + ",\"data\":{\"object\":" + sessions[i]
                    + "},\"livemode\":false,\"pending_webhooks\":1,\"request\":{\"id\":null,\"idempotency_key\":null},\"type\":\"checkout.session.completed\"}";
                var signed = created.ToString(CultureInfo.InvariantCulture) + "." + body;
                var signature = Convert.ToHexStringLower(HMACSHA256.HashData(secretBytes, Encoding.UTF8.GetBytes(signed)));
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation("Stripe-Signature", $"t={created},v1={signature}");
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request);
                    await response.Content.ReadAsByteArrayAsync();
                    var ok = response.StatusCode == HttpStatusCode.OK;
                    tally.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, ok, ok ? null : $"HTTP {(int)response.StatusCode}");
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    tally.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, false, ex.GetType().Name);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        if (exhausted)
        {
            Console.Error.WriteLine("  this round's sessions ran out before its time was up: the rate is over the time it ran (raise BENCH_WEBHOOK_SESSIONS)");
        }
        return tally.Print(clock.Elapsed.TotalSeconds);
    }
}
