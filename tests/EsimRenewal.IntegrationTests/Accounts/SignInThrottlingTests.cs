using System.Diagnostics;
using System.Net;
using AngleSharp.Html.Dom;
using EsimRenewal.Core.Throttling;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Accounts;

/// <summary>
/// Sign-in and registration are limited per account (Identity's lockout), per unknown identifier (the
/// limiter, with the same numbers) and per address (a proof-of-work challenge, never a lock); and a sign-in
/// takes as long whether or not the account exists.
/// </summary>
public sealed class SignInThrottlingTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private const string Ip = "203.0.113.77";
    private const string Failed = "The account or password is not correct.";
    private const string Locked = "Too many failed sign-ins: the account is locked for a while. Please try again in 15 minutes.";

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        foreach (var email in new[] { "a@example.com", "b@example.com", "c@example.com", "victim@example.com" })
        {
            await portal.Factory.SignUpAsync(email);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient Browser(string ip = Ip)
    {
        var client = portal.Factory.NewBrowser();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", ip);
        return client;
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string identifier, string password, IHtmlDocument? page = null, string? challenge = null)
    {
        page ??= await client.GetDocumentAsync("/account/login");
        var values = new Dictionary<string, string> { ["Input.Identifier"] = identifier, ["Input.Password"] = password };
        if (challenge is not null)
        {
            values["challenge"] = challenge;
        }
        return await client.SubmitAsync(page, "[data-testid=login-form]", values);
    }

    private async Task<string> SolveAsync(string purpose, string ip = Ip) =>
        Challenges.Solve((await new VoucherScenario(portal.Factory).WithLimiterAsync(l => l.ChallengeForAsync(purpose, ip)))!);

    [Fact]
    public async Task Wrong_passwords_from_one_address_across_accounts_ask_it_for_a_challenge_but_lock_no_other_account()
    {
        // Four wrong passwords at each of five accounts: 20 from the address, none of the accounts locked (5 would lock one).
        var targets = new[] { "a@example.com", "b@example.com", "c@example.com", "nobody@example.com", "ghost@example.com" };
        for (var i = 0; i < 20; i++)
        {
            var response = await SignInAsync(Browser(), targets[i % targets.Length], "wrong password " + i);
            Assert.Contains(Failed, (await HtmlForms.ParseAsync(response)).Errors());
        }

        var form = await Browser().GetDocumentAsync("/account/login");
        var unproven = await SignInAsync(Browser(), "victim@example.com", Travellers.Password);
        var proven = await SignInAsync(Browser(), "victim@example.com", Travellers.Password, challenge: await SolveAsync(AttemptPurposes.SignIn));
        var elsewhere = await SignInAsync(Browser("198.51.100.9"), "a@example.com", Travellers.Password);

        Assert.NotNull(form.QuerySelector("[data-testid=login-form] [data-testid=challenge]")); // the form now carries a challenge
        Assert.Equal(HttpStatusCode.TooManyRequests, unproven.StatusCode);
        Assert.Contains("Many wrong attempts have come from your network.", string.Join(" ", (await HtmlForms.ParseAsync(unproven)).Errors()), StringComparison.Ordinal);
        Assert.True(proven.IsRedirect()); // the person behind the same address is not locked out
        Assert.True(elsewhere.IsRedirect()); // nor are the accounts that were guessed at
        await using var db = portal.Database.NewContext();
        Assert.False(await db.Users.AnyAsync(u => u.LockoutEnd != null));
    }

    [Fact]
    public async Task An_unknown_identifier_is_locked_after_as_many_failures_as_a_real_account()
    {
        var known = new List<string>();
        var unknown = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            known.Add(string.Join(" ", (await HtmlForms.ParseAsync(await SignInAsync(Browser("198.51.100." + i), "a@example.com", "wrong " + i))).Errors()));
            unknown.Add(string.Join(" ", (await HtmlForms.ParseAsync(await SignInAsync(Browser("198.51.100." + i), "nobody@example.com", "wrong " + i))).Errors()));
        }

        Assert.Equal(known, unknown); // the same answers at the same attempts
        Assert.Equal([Failed, Failed, Failed, Failed, Locked, Locked], known);
    }

    [Fact]
    public async Task Many_registrations_from_one_address_ask_it_for_a_challenge()
    {
        async Task<HttpResponseMessage> RegisterAsync(string email, string? challenge = null)
        {
            var client = Browser("192.0.2.44");
            var page = await client.GetDocumentAsync("/account/register");
            var values = new Dictionary<string, string> { ["Input.Identifier"] = email, ["Input.Password"] = Travellers.Password, ["Input.ConfirmPassword"] = Travellers.Password };
            if (challenge is not null)
            {
                values["challenge"] = challenge;
            }
            return await client.SubmitAsync(page, "[data-testid=register-form]", values);
        }
        for (var i = 0; i < 20; i++)
        {
            Assert.True((await RegisterAsync($"new{i}@example.com")).IsRedirect());
        }

        var held = await RegisterAsync("new20@example.com");
        var proven = await RegisterAsync("new20@example.com", await SolveAsync(AttemptPurposes.Registration, "192.0.2.44"));

        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);
        Assert.True(proven.IsRedirect());
    }

    /// <summary>
    /// The time of a failed sign-in for an unknown account and for a known one with a wrong password:
    /// measured alternately (so load on the machine falls on both alike), many times, compared by median.
    /// </summary>
    [Fact]
    public async Task A_sign_in_takes_as_long_whether_or_not_the_account_exists()
    {
        const int Rounds = 25;
        var client = portal.Factory.NewBrowser(); // no address: only the account limits apply, reset each round
        var page = await client.GetDocumentAsync("/account/login");
        async Task<double> TimeAsync(string identifier)
        {
            await using (var db = portal.Database.NewContext())
            {
                await db.Database.ExecuteSqlRawAsync("UPDATE users SET access_failed_count = 0, lockout_end = NULL; DELETE FROM attempt_counters;");
            }
            var watch = Stopwatch.StartNew();
            var response = await SignInAsync(client, identifier, "not the password", page);
            watch.Stop();
            Assert.Contains(Failed, (await HtmlForms.ParseAsync(response)).Errors());
            return watch.Elapsed.TotalMilliseconds;
        }
        for (var i = 0; i < 3; i++)
        {
            await TimeAsync("a@example.com"); // warm up both paths
            await TimeAsync("nobody@example.com");
        }

        double ratio = 0;
        for (var attempt = 0; attempt < 3; attempt++) // a busy moment on a shared machine may skew one series: measure again
        {
            var known = new List<double>();
            var unknown = new List<double>();
            for (var i = 0; i < Rounds; i++)
            {
                if (i % 2 == 0)
                {
                    known.Add(await TimeAsync("a@example.com"));
                    unknown.Add(await TimeAsync($"nobody{i}@example.com"));
                }
                else
                {
                    unknown.Add(await TimeAsync($"nobody{i}@example.com"));
                    known.Add(await TimeAsync("a@example.com"));
                }
            }
            ratio = Median(unknown) / Median(known);
            if (ratio is > 0.8 and < 1.2)
            {
                break;
            }
        }

        Assert.InRange(ratio, 0.8, 1.2);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
