using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using EsimRenewal.Core.Vouchers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>
/// Proves that no secret reaches a log. Every test host records the secrets posted to it (PINs,
/// passwords, one-time codes, voucher codes: the values of such form fields that have their shape)
/// and, when it is disposed at the end of its test class, checks everything it logged against those
/// and against the shapes of secrets it never received (voucher codes, eSIM activation codes, Stripe
/// keys and webhook secrets, card numbers). So the whole suite is the test.
/// </summary>
public sealed partial class LogSecrets
{
    /// <summary>Each posted secret with its kind, found in a line only as a whole word (a PIN of 7754 is not in a GUID's -7754-, nor in a logged duration of 0.7754 ms).</summary>
    private readonly ConcurrentDictionary<string, (string Kind, Regex Word)> _posted = new(StringComparer.Ordinal);

    /// <summary>The lines of <paramref name="log"/> that give a secret away, each with what it gives away.</summary>
    public IReadOnlyList<string> FindIn(IEnumerable<string> log)
    {
        var found = new List<string>();
        foreach (var line in log)
        {
            if (Shapes().Match(line) is { Success: true } shape && (!shape.Value.All(char.IsDigit) || Luhn(shape.Value)))
            {
                found.Add($"a secret's shape ({shape.Value[..Math.Min(6, shape.Value.Length)]}…) in: {Preview(line)}");
            }
            foreach (var (kind, word) in _posted.Values)
            {
                if (word.IsMatch(line))
                {
                    found.Add($"a posted {kind} in: {Preview(line)}");
                }
            }
        }
        return found;
    }

    /// <summary>Remembers the secrets among a form's values, by field name and shape.</summary>
    public void Record(IFormCollection form)
    {
        foreach (var (name, values) in form)
        {
            var field = name[(name.LastIndexOf('.') + 1)..];
            foreach (var value in values.OfType<string>().Select(v => v.Trim()))
            {
                if (KindOf(field, value) is { } kind)
                {
                    _posted.TryAdd(value, (kind, new Regex($"(?<![0-9A-Za-z_-])(?<![0-9][.,]){Regex.Escape(value)}(?![0-9A-Za-z_-])(?![.,][0-9])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)));
                }
            }
        }
    }

    private static string? KindOf(string field, string value) => field switch
    {
        _ when field.Contains("Password", StringComparison.OrdinalIgnoreCase) && value.Length >= 8 => "password",
        "Pin" when PinShape().IsMatch(value) => "PIN",
        "Code" or "TwoFactorCode" or "RecoveryCode" when OneTimeShape().IsMatch(value) => "one-time code",
        "Code" when VoucherCode.TryParse(value, out _) => "voucher code",
        _ => null,
    };

    /// <summary>Installs the recording in front of the portal's own pipeline.</summary>
    public IStartupFilter Recorder() => new RecordingFilter(this);

    private sealed class RecordingFilter(LogSecrets secrets) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
                {
                    try
                    {
                        secrets.Record(await context.Request.ReadFormAsync(context.RequestAborted));
                    }
                    catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
                    {
                        // A malformed body: the portal answers it itself.
                    }
                }
                await nextMiddleware(context);
            });
            next(app);
        };
    }

    private static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
        }
        return sum % 10 == 0;
    }

    private static string Preview(string line) => line.Length > 300 ? line[..300] + "…" : line;

    /// <summary>
    /// Secrets recognisable without having seen them: a grouped voucher code, an eSIM activation code,
    /// Stripe secret or restricted keys and webhook secrets, and 16-digit card numbers (checked by Luhn).
    /// </summary>
    [GeneratedRegex(@"\b[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}-[0-9A-HJKMNP-TV-Z]\b|LPA:1\$|\b(sk|rk)_(test|live)_[A-Za-z0-9]|\bwhsec_[A-Za-z0-9]|\b4[0-9]{15}\b")]
    private static partial Regex Shapes();

    [GeneratedRegex(@"^[0-9]{4,8}$")]
    private static partial Regex PinShape();

    [GeneratedRegex(@"^[0-9]{6}$")]
    private static partial Regex OneTimeShape();
}
