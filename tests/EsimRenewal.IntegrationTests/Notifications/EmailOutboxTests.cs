using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Notifications;

/// <summary>A portal whose mail goes to a real SMTP server (smtp4dev) the test reads back.</summary>
public sealed class MailPortalFixture : IAsyncLifetime
{
    public SmtpCatcher Catcher { get; } = new();
    public TestDatabase Database { get; private set; } = null!;
    public PortalFactory Portal { get; private set; } = null!;

    private sealed class MailPortal(TestDatabase database, SmtpCatcher catcher) : PortalFactory(database)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => base.Settings().Concat(catcher.PortalSettings);
    }

    public async Task InitializeAsync()
    {
        await Catcher.InitializeAsync();
        Database = await TestDatabase.CreateAsync();
        Portal = new MailPortal(Database, Catcher);
        _ = Portal.Server;
    }

    public async Task DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Database.DisposeAsync();
        await Catcher.DisposeAsync();
    }

    /// <summary>One pass of the email worker, on its own scope.</summary>
    public async Task<int> DispatchAsync()
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        var composer = scope.ServiceProvider.GetRequiredService<EmailComposer>();
        return await scope.ServiceProvider.GetRequiredService<EmailOutbox>().DispatchAsync(composer.ComposeAsync);
    }
}

/// <summary>
/// The email outbox end to end through real SMTP: confirmations with their receipt in the buyer's
/// language, a new eSIM's QR code inline, one-time codes erased once sent, retries, and exactly-once
/// delivery with two workers at once.
/// </summary>
public sealed class EmailOutboxTests(MailPortalFixture mail) : IClassFixture<MailPortalFixture>, IAsyncLifetime
{
    private DateTimeOffset Now => mail.Portal.Clock.GetUtcNow();

    public Task InitializeAsync() => mail.Database.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A fulfilled renewal whose confirmation is queued, for an account preferring <paramref name="culture"/>.</summary>
    private async Task<Order> ConfirmedRenewalAsync(string email, string culture, long price = 3980)
    {
        await using var db = mail.Database.NewContext();
        var user = new Core.Identity.ApplicationUser { UserName = email, Email = email, PreferredCulture = culture, CreatedAt = Now };
        db.Users.Add(user);
        var plan = TestData.Plan("p" + Guid.NewGuid().ToString("N")[..8], 30, price, SimKinds.Both);
        db.Plans.Add(plan);
        var sim = Sim.RegisterPhysical(Iccid.FromBody("89811" + Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999)), SimPin.Hash("1234"), TestData.Epoch);
        sim.AssignTo(user.Id, TestData.Epoch);
        db.Sims.Add(sim);
        var order = TestOrders.FulfilledRenewal(sim, plan.Versions.Single(), user.Id, email, Now, culture: "en");
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        await EmailOutbox.EnqueueConfirmationAsync(db, order, Now, default);
        await db.SaveChangesAsync();
        return order;
    }

    [Fact]
    public async Task A_fulfilled_order_mails_its_receipt_in_the_buyers_language_with_text_and_html()
    {
        var order = await ConfirmedRenewalAsync("yuki@example.com", "ja");

        Assert.Equal(1, await mail.DispatchAsync());

        var received = await mail.Catcher.WaitForMessageAsync("yuki@example.com");
        Assert.Equal($"ご注文 #{order.Number} の確認と領収書", received.Subject);
        foreach (var body in new[] { received.TextBody!, System.Net.WebUtility.HtmlDecode(received.HtmlBody!) })
        {
            Assert.Contains("領収書（適格簡易請求書）", body);
            Assert.Contains("内消費税（10%）", body);
            Assert.Contains("¥361", body);
            Assert.Contains("T9876543210987", body);
            Assert.Contains($"{PortalFactory.PublicBaseUrl}/orders/{order.Id}", body);
        }
        await using var db = mail.Database.NewContext();
        Assert.NotNull((await db.OutgoingEmails.SingleAsync()).SentAt);
        Assert.Equal(0, await mail.DispatchAsync());
        Assert.Single(await mail.Catcher.MessagesToAsync("yuki@example.com"));
    }

    [Fact]
    public async Task A_new_esims_confirmation_carries_its_qr_code_inline_and_its_activation_code()
    {
        await using (var db = mail.Database.NewContext())
        {
            var user = new Core.Identity.ApplicationUser { UserName = "li@example.com", Email = "li@example.com", PreferredCulture = "zh-Hans", CreatedAt = Now };
            db.Users.Add(user);
            var plan = TestData.Plan("week", 7, 1500, SimKinds.Esim);
            db.Plans.Add(plan);
            var (order, esim) = TestOrders.FulfilledNewEsim(plan.Versions.Single(), user.Id, "li@example.com", "898120000000000701", Now);
            db.Sims.Add(esim);
            db.Orders.Add(order);
            await db.SaveChangesAsync();
            await EmailOutbox.EnqueueConfirmationAsync(db, order, Now, default);
            await db.SaveChangesAsync();
        }

        await mail.DispatchAsync();

        var received = await mail.Catcher.WaitForMessageAsync("li@example.com");
        Assert.StartsWith("您的 eSIM 已准备好", received.Subject);
        Assert.Contains("LPA:1$smdp.example$TEST-000701", received.TextBody);
        Assert.Contains("cid:esim-qr", received.HtmlBody);
        // The install steps for both phones, in the recipient's language, in both parts.
        foreach (var step in new[] { "打开“设置” > “蜂窝网络” > “添加 eSIM”。", "打开“设置” > “网络和互联网”（或“连接”） > “SIM 卡”。" })
        {
            Assert.Contains(step, received.TextBody);
            Assert.Contains(step, System.Net.WebUtility.HtmlDecode(received.HtmlBody));
        }
        var qr = Assert.Single(received.InlineParts);
        Assert.Equal(("esim-qr", "image/png"), (qr.ContentId, qr.MediaType));
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], qr.Content[..4]); // a PNG
    }

    [Fact]
    public async Task A_failed_send_is_retried_later_and_a_refused_recipient_is_given_up()
    {
        await ConfirmedRenewalAsync("retry@example.com", "en");
        await using (var db = mail.Database.NewContext())
        {
            db.OutgoingEmails.Add(OutgoingEmail.OneTimeCode(Guid.NewGuid(), "not an address", "123456", "en", Now, Now.AddMinutes(10)));
            await db.SaveChangesAsync();
        }
        // The default test hosts send to a closed port: every send fails like an unreachable server.
        await using var offline = new PortalFactory(mail.Database);
        await using (var scope = offline.Services.CreateAsyncScope())
        {
            offline.Clock.SetUtcNow(Now);
            await scope.ServiceProvider.GetRequiredService<EmailOutbox>().DispatchAsync(scope.ServiceProvider.GetRequiredService<EmailComposer>().ComposeAsync);
        }

        await using (var db = mail.Database.NewContext())
        {
            var failed = await db.OutgoingEmails.SingleAsync(e => e.Recipient == "retry@example.com");
            var refused = await db.OutgoingEmails.SingleAsync(e => e.Recipient == "not an address");
            Assert.Equal((1, (DateTimeOffset?)null, Now.AddSeconds(5)), (failed.Attempts, failed.SentAt, failed.AvailableAt));
            Assert.NotNull(refused.DiscardedAt);
            Assert.Null(refused.Secret);
        }
        Assert.Equal(0, await mail.DispatchAsync()); // not before its back-off

        mail.Portal.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await mail.DispatchAsync());
        await mail.Catcher.WaitForMessageAsync("retry@example.com");
    }

    [Fact]
    public async Task A_one_time_code_is_erased_from_the_database_once_it_is_sent()
    {
        await using (var db = mail.Database.NewContext())
        {
            db.OutgoingEmails.Add(OutgoingEmail.OneTimeCode(Guid.NewGuid(), "code@example.com", "482913", "en", Now, Now.AddMinutes(10)));
            await db.SaveChangesAsync();
        }

        await mail.DispatchAsync();

        Assert.Contains("482913", (await mail.Catcher.WaitForMessageAsync("code@example.com")).TextBody);
        await using var check = mail.Database.NewContext();
        Assert.Null((await check.OutgoingEmails.SingleAsync()).Secret);
    }

    [Fact]
    public async Task An_expired_one_time_code_is_not_sent()
    {
        await using (var db = mail.Database.NewContext())
        {
            db.OutgoingEmails.Add(OutgoingEmail.OneTimeCode(Guid.NewGuid(), "late@example.com", "111111", "en", Now, Now.AddMinutes(10)));
            await db.SaveChangesAsync();
        }
        mail.Portal.Clock.Advance(TimeSpan.FromMinutes(11));

        await mail.DispatchAsync();

        await using var check = mail.Database.NewContext();
        var email = await check.OutgoingEmails.SingleAsync();
        Assert.Equal((null, null), (email.SentAt, email.Secret));
        Assert.NotNull(email.DiscardedAt);
        Assert.Empty(await mail.Catcher.MessagesToAsync("late@example.com"));
    }

    [Fact]
    public async Task Two_workers_at_once_send_every_email_exactly_once()
    {
        var recipients = Enumerable.Range(0, 12).Select(i => $"twice{i}@example.com").ToList();
        foreach (var recipient in recipients)
        {
            await ConfirmedRenewalAsync(recipient, "en", price: 980);
        }
        using var barrier = new Barrier(4);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            while (await mail.DispatchAsync() > 0)
            {
            }
        })));

        foreach (var recipient in recipients)
        {
            await mail.Catcher.WaitForMessageAsync(recipient);
            Assert.Single(await mail.Catcher.MessagesToAsync(recipient));
        }
        await using var db = mail.Database.NewContext();
        Assert.True(await db.OutgoingEmails.AllAsync(e => e.SentAt != null && e.Attempts == 1));
    }
}
