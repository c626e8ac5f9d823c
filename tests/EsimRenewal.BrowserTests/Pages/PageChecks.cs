using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace EsimRenewal.BrowserTests.Pages;

/// <summary>What the page tour looks for on each page, as functions over a loaded Playwright page.</summary>
public static partial class PageChecks
{
    /// <summary>
    /// axe-core (the engine Deque.AxeCore.Playwright ships), loaded once into every page of a profile as an
    /// init script, instead of being injected again for each check.
    /// </summary>
    public static string AxeSource { get; } = ReadAxeSource();

    private static string ReadAxeSource()
    {
        using var stream = typeof(AxeResult).Assembly.GetManifestResourceStream("Deque.AxeCore.Commons.Resources.axe.min.js")
            ?? throw new InvalidOperationException("axe-core is not in Deque.AxeCore.Commons.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    // Classes with setters: Playwright's result deserializer needs a parameterless constructor.
    private sealed class AxeNode
    {
        public string Html { get; set; } = "";
    }

    private sealed class AxeViolation
    {
        public string Id { get; set; } = "";
        public string? Impact { get; set; }
        public string Help { get; set; } = "";
        public AxeNode[] Nodes { get; set; } = [];
    }

    /// <summary>axe-core violations a person would be blocked by (impact serious or critical), one line each.</summary>
    public static async Task<IReadOnlyList<string>> AccessibilityAsync(IPage page)
    {
        var violations = await page.EvaluateAsync<AxeViolation[]>("""
            async () => {
              const result = await window.axe.run(document, { resultTypes: ['violations'] });
              return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => ({ html: n.html })) }));
            }
            """);
        return violations
            .Where(v => v.Impact is "serious" or "critical")
            .SelectMany(v => v.Nodes.Select(n => $"axe {v.Impact} {v.Id} ({v.Help}): {Shorten(n.Html, 160)}"))
            .ToList();
    }

    /// <summary>Empty when the page is no wider than the window; else its width and the elements that stick out.</summary>
    public static async Task<IReadOnlyList<string>> HorizontalOverflowAsync(IPage page) => await page.EvaluateAsync<string[]>("""
        () => {
          const root = document.documentElement;
          const limit = root.clientWidth;
          if (root.scrollWidth <= limit) return [];
          const out = [...document.body.querySelectorAll('*')].filter(el => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && r.right > limit + 1;
          });
          const leaves = out.filter(el => !out.some(other => other !== el && el.contains(other)));
          return [`page is ${root.scrollWidth}px wide in a ${limit}px window`].concat(leaves.slice(0, 4).map(el =>
            `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} reaches ${Math.round(el.getBoundingClientRect().right)}px: "${(el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50)}"`));
        }
        """);

    /// <summary>Controls smaller than 44×44 CSS px (a checkbox or radio counts with its label). Links inside sentences are exempt.</summary>
    public static async Task<IReadOnlyList<string>> SmallTapTargetsAsync(IPage page) => await page.EvaluateAsync<string[]>("""
        () => {
          const controls = 'button, .button, input:not([type=hidden]), select, textarea, summary, .main-nav a, .sub-nav a, .footer-nav a, .back-link, .link-action, .pager a';
          const small = [];
          for (const el of document.querySelectorAll(controls)) {
            const target = el.matches('input[type=checkbox], input[type=radio]') ? (el.closest('label') || el) : el;
            if (!target.checkVisibility({ visibilityProperty: true })) continue;
            const r = target.getBoundingClientRect();
            if (r.width < 43.5 || r.height < 43.5) {
              small.push(`${target.tagName.toLowerCase()} "${(target.textContent || target.getAttribute('aria-label') || target.getAttribute('name') || '').trim().replace(/\s+/g, ' ').slice(0, 40)}" is ${Math.round(r.width)}×${Math.round(r.height)} px`);
            }
          }
          return small;
        }
        """);

    /// <summary>
    /// The text a person meets on the page in its language: visible text (and text for screen readers),
    /// the labels of stacked table cells, titles, labels, placeholders and alt texts, and the page title.
    /// Code, ICCIDs, activation codes and anything marked with another language are left out.
    /// </summary>
    public static async Task<IReadOnlyList<string>> TextsAsync(IPage page) => await page.EvaluateAsync<string[]>("""
        () => {
          const lang = document.documentElement.lang;
          const exempt = 'script, style, noscript, code, pre, kbd, samp, .iccid, .lpa';
          const otherLanguage = el => { const own = el.closest('[lang]'); return own && own.getAttribute('lang') !== lang; };
          const texts = [document.title];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.nodeValue.replace(/\s+/g, ' ').trim();
            const el = node.parentElement;
            if (!text || !el || el.closest(exempt) || otherLanguage(el)) continue;
            const shown = el.closest('select') ? el.closest('select').checkVisibility() : el.checkVisibility({ visibilityProperty: true });
            if (shown) texts.push(text);
          }
          for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [alt], [data-label]')) {
            if (el.closest(exempt) || otherLanguage(el)) continue;
            for (const name of ['title', 'aria-label', 'placeholder', 'alt', 'data-label']) {
              const value = (el.getAttribute(name) || '').trim();
              if (value) texts.push(value);
            }
          }
          return texts;
        }
        """);

    /// <summary>Words that read the same in every language: brands, units, payment methods, carriers, chains.</summary>
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "eSIM", "SIM", "ICCID", "PIN", "GB", "MB", "JST", "QR", "LPA", "SM-DP", "iPhone", "Android", "iOS", "LTE", "4G", "5G",
        "Apple", "Google", "Pay", "Alipay", "WeChat", "PayPay", "Stripe", "Visa", "Mastercard", "JCB", "American", "Express", "UnionPay",
        "Microsoft", "Authenticator", "1Password", "docomo", "SoftBank", "au", "Lawson", "FamilyMart", "Ministop", "Seicomart", "Daily", "Yamazaki", "CSV", "ID", "JPY", "mm", "OK",
    };

    /// <summary>Emails, links, and identifiers: anything with a digit in it (GUIDs, codes, 10GB) and dotted lower-case names (user.invited).</summary>
    [GeneratedRegex(@"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|[A-Za-z0-9_-]*[0-9][A-Za-z0-9_-]*|\b[a-z]+(?:[._][a-z]+)+\.?")]
    private static partial Regex NotWords();

    [GeneratedRegex(@"[A-Za-z]+(?:['’][A-Za-z]+)*")]
    private static partial Regex Word();

    /// <summary>Two or more English words in a row (what an untranslated sentence or label looks like).</summary>
    [GeneratedRegex(@"[A-Za-z]{2,}[A-Za-z'’]*(?:[ ,.:;!?&/()]+[A-Za-z]{2,}[A-Za-z'’]*)+")]
    private static partial Regex EnglishRun();

    /// <summary>What a missing translation shows: the resource key (Order.State.Paid).</summary>
    [GeneratedRegex(@"\b[A-Z][A-Za-z]+(?:\.[A-Z][A-Za-z0-9]*)+\b")]
    private static partial Regex ResourceKey();

    /// <summary>A text with brands and units, emails and links taken out: what is left must be in the page's language.</summary>
    public static string WithoutNames(string text) =>
        Word().Replace(NotWords().Replace(text, " "), m => Names.Contains(m.Value) ? " " : m.Value);

    public static IEnumerable<string> ResourceKeys(IEnumerable<string> texts) =>
        texts.Where(t => ResourceKey().IsMatch(t)).Select(t => $"resource key: \"{Shorten(t, 80)}\"");

    /// <summary>
    /// English on a Chinese or Japanese page: a run of English words, or a text that reads exactly as
    /// on the English page and still has a word in it once names are taken out.
    /// </summary>
    public static IEnumerable<string> English(IEnumerable<string> texts, IReadOnlySet<string> englishPage)
    {
        foreach (var text in texts.Distinct(StringComparer.Ordinal))
        {
            var rest = WithoutNames(text);
            if (EnglishRun().Match(rest) is { Success: true } run)
            {
                yield return $"English: \"{Shorten(run.Value, 60)}\" in \"{Shorten(text, 80)}\"";
            }
            else if (englishPage.Contains(text) && Word().Matches(rest).Any(w => w.Value.Length >= 3 && w.Value.Any(char.IsLower)))
            {
                yield return $"untranslated (as on the English page): \"{Shorten(text, 80)}\"";
            }
        }
    }

    /// <summary>
    /// For a person to look at the tour: with ESIM_TOUR_SCREENSHOTS set to a folder, each Chinese page is
    /// saved there as a PNG per size (not done otherwise; the checks above are what the test asserts).
    /// </summary>
    public static async Task KeepScreenshotAsync(IPage page, CataloguedPage entry, string language, string size)
    {
        if (Environment.GetEnvironmentVariable("ESIM_TOUR_SCREENSHOTS") is not { Length: > 0 } folder || language != "zh-Hans")
        {
            return;
        }
        Directory.CreateDirectory(folder);
        var name = Regex.Replace(entry.ToString(), "[^A-Za-z0-9]+", "-").Trim('-');
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{entry.Audience}-{name}-{size}.png"), FullPage = true });
    }

    public static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}
