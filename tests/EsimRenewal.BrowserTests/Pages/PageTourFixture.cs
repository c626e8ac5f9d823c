using EsimRenewal.BrowserTests.Infrastructure;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace EsimRenewal.BrowserTests.Pages;

/// <summary>
/// The portal with <see cref="PageSamples"/> seeded once, and one browser profile per audience and
/// language, signed in once and reused for every page. The profiles bypass the pages' CSP so that
/// axe-core can be injected (the integration tests prove no page needs inline script or style).
/// </summary>
public sealed class PageTourFixture : BrowserFixture
{
    public static readonly IReadOnlyList<string> Languages = ["en", "zh-Hans", "ja"];

    private readonly Dictionary<(Audience, string), IBrowserContext> _contexts = [];
    private readonly SemaphoreSlim _lock = new(1, 1);

    public PageSamples Samples { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Samples = await PageSamples.SeedAsync(Portal);
    }

    /// <summary>What the browser sends as Accept-Language for a UI language.</summary>
    public static string LocaleOf(string language) => language switch
    {
        "zh-Hans" => "zh-CN",
        "ja" => "ja-JP",
        _ => "en-US",
    };

    /// <summary>A browser profile that reads <paramref name="language"/>, signed in as the account that sees <paramref name="audience"/>'s pages.</summary>
    public async Task<IBrowserContext> ContextAsync(Audience audience, string language)
    {
        await _lock.WaitAsync();
        try
        {
            if (_contexts.TryGetValue((audience, language), out var existing))
            {
                return existing;
            }
            var context = await Browser.NewContextAsync(new BrowserNewContextOptions
            {
                Locale = LocaleOf(language),
                BaseURL = BaseUrl,
                BypassCSP = true,
                ViewportSize = new ViewportSize { Width = 375, Height = 812 },
            });
            context.SetDefaultTimeout(DefaultTimeout);
            await context.AddInitScriptAsync(PageChecks.AxeSource);
            if (PageSamples.AccountFor(audience) is { } account)
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync("/account/login");
                await page.FillAsync("[data-testid=identifier]", account);
                await page.FillAsync("[data-testid=password]", PageSamples.Password);
                await page.ClickAsync("[data-testid=login-submit]");
                await page.WaitForURLAsync(url => !url.EndsWith("/account/login", StringComparison.Ordinal));
                if (page.Url.Contains("/account/login/two-factor", StringComparison.Ordinal))
                {
                    await page.FillAsync("[data-testid=two-factor-code]", TwoFactor.Code(await Portal.KeyOfAsync(account)));
                    await page.ClickAsync("[data-testid=two-factor-submit]");
                    await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
                }
                await page.CloseAsync();
            }
            _contexts[(audience, language)] = context;
            return context;
        }
        finally
        {
            _lock.Release();
        }
    }

    public override async Task DisposeAsync()
    {
        foreach (var context in _contexts.Values)
        {
            await context.DisposeAsync();
        }
        _lock.Dispose();
        await base.DisposeAsync();
    }
}
