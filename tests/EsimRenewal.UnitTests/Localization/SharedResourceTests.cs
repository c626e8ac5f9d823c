using System.Text.RegularExpressions;
using EsimRenewal.Core.Plans;

namespace EsimRenewal.UnitTests.Localization;

/// <summary>
/// The UI is in Simplified Chinese, Japanese and English; these tests keep the three resource files
/// complete and in step with the keys the Web project uses, however many keys are added.
/// </summary>
public partial class SharedResourceTests
{
    /// <summary>
    /// Keys whose text is legitimately the same as English in another language (a product name, a
    /// unit). Values without any letter (only placeholders and punctuation) need no entry here.
    /// </summary>
    private static readonly HashSet<string> SameAsEnglishAllowed = new(StringComparer.Ordinal)
    {
        "Sim.Kind.Esim", // "eSIM" in every language
        "Plan.DataGb",   // "{0} GB"
        "Esim.Activation.IphoneTitle", // a product name
        "Esim.Activation.AndroidTitle",
        "Sims.Add.Pin", // "PIN" in Japanese too
        "QuickRenew.EsimTitle", // "eSIM"
        "Payment.Method.Alipay", // brand names, written in Latin letters in Japan
        "Payment.Method.WechatPay",
        "Payment.Method.PayPay",
        "Legal.Commerce.TitleInJapanese", // 特定商取引法に基づく表記: the statute's own name, shown under the translated title
    };

    /// <summary>
    /// Keys built at run time from a prefix (<c>T["Storefront.Duration." + band]</c>) and the suffixes
    /// the code can append. A prefix not listed here must at least have one key under it.
    /// </summary>
    private static readonly Dictionary<string, string[]> DynamicKeySuffixes = new(StringComparer.Ordinal)
    {
        ["Storefront.Duration."] = Enum.GetNames<DurationBand>(),
        ["Sims.Iccid."] = Enum.GetNames<EsimRenewal.Core.Sims.IccidProblem>(),
        ["Admin.Refund.Refusal."] = Enum.GetNames<EsimRenewal.Core.Orders.RefundRefusal>(),
    };

    private static readonly ResourceFile EnglishFile = SharedResourceFiles.Load(SharedResourceFiles.English);

    public static TheoryData<string> Cultures => new(SharedResourceFiles.Cultures);

    public static TheoryData<string> Translations => new(SharedResourceFiles.Cultures.Where(c => c != SharedResourceFiles.English));

    [GeneratedRegex(@"\b[Tt]\[""([A-Za-z0-9.]+)""")]
    private static partial Regex LocalizerLookup();

    [GeneratedRegex(@"(?<!\{)\{(\d+)(?:,\s*-?\d+)?(?::[^{}]*)?\}")]
    private static partial Regex Placeholder();

    [Fact]
    public void The_english_file_has_keys()
    {
        Assert.True(EnglishFile.Values.Count > 0, $"{SharedResourceFiles.PathOf("en")} has no strings.");
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void No_key_appears_twice_in_a_language(string culture)
    {
        var file = SharedResourceFiles.Load(culture);

        Assert.True(file.DuplicateKeys.Count == 0, $"{culture}: duplicate keys {string.Join(", ", file.DuplicateKeys)}");
    }

    [Theory]
    [MemberData(nameof(Translations))]
    public void Every_language_has_exactly_the_english_keys(string culture)
    {
        var file = SharedResourceFiles.Load(culture);

        var missing = EnglishFile.Keys.Except(file.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var extra = file.Keys.Except(EnglishFile.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        Assert.True(
            missing.Count == 0 && extra.Count == 0,
            $"{culture}: missing [{string.Join(", ", missing)}]; not in English [{string.Join(", ", extra)}]");
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void No_value_is_empty(string culture)
    {
        var empty = SharedResourceFiles.Load(culture).Values
            .Where(kv => string.IsNullOrWhiteSpace(kv.Value))
            .Select(kv => kv.Key)
            .ToList();

        Assert.True(empty.Count == 0, $"{culture}: empty values for [{string.Join(", ", empty)}]");
    }

    [Theory]
    [MemberData(nameof(Translations))]
    public void Every_translation_has_the_same_placeholders_as_english(string culture)
    {
        var file = SharedResourceFiles.Load(culture);

        var mismatches = EnglishFile.Values
            .Where(kv => file.Values.ContainsKey(kv.Key))
            .Select(kv => (kv.Key, English: Placeholders(kv.Value), Translated: Placeholders(file.Values[kv.Key])))
            .Where(p => !p.English.SetEquals(p.Translated))
            .Select(p => $"{p.Key}: en {{{string.Join("}{", p.English.Order())}}} vs {culture} {{{string.Join("}{", p.Translated.Order())}}}")
            .ToList();

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    [Theory]
    [MemberData(nameof(Translations))]
    public void Every_translation_differs_from_english_unless_it_is_allowed_to_be_the_same(string culture)
    {
        var file = SharedResourceFiles.Load(culture);

        var untranslated = EnglishFile.Values
            .Where(kv => kv.Value is not null && kv.Value.Any(char.IsLetter))
            .Where(kv => !SameAsEnglishAllowed.Contains(kv.Key))
            .Where(kv => file.Values.TryGetValue(kv.Key, out var translated)
                && string.Equals(translated?.Trim(), kv.Value!.Trim(), StringComparison.Ordinal))
            .Select(kv => $"{kv.Key} = \"{kv.Value}\"")
            .ToList();

        Assert.True(
            untranslated.Count == 0,
            $"{culture} still reads English (translate, or add the key to {nameof(SameAsEnglishAllowed)} if that is right): "
            + string.Join(", ", untranslated));
    }

    [Fact]
    public void The_same_as_english_allow_list_names_only_existing_keys()
    {
        var stale = SameAsEnglishAllowed.Where(k => !EnglishFile.Values.ContainsKey(k)).ToList();

        Assert.True(stale.Count == 0, $"Allow-listed keys that no longer exist: {string.Join(", ", stale)}");
    }

    [Fact]
    public void Every_key_the_web_project_looks_up_exists()
    {
        var uses = KeysUsedInWebSource();
        Assert.True(uses.Count > 0, "No T[\"…\"] lookups found in the Web project: the scan is broken.");

        var missing = new List<string>();
        foreach (var (key, where) in uses)
        {
            if (!key.EndsWith('.'))
            {
                if (!EnglishFile.Values.ContainsKey(key))
                {
                    missing.Add($"{key} ({where})");
                }
            }
            else if (DynamicKeySuffixes.TryGetValue(key, out var suffixes))
            {
                missing.AddRange(suffixes.Where(s => !EnglishFile.Values.ContainsKey(key + s)).Select(s => $"{key}{s} ({where})"));
            }
            else if (!EnglishFile.Keys.Any(k => k.StartsWith(key, StringComparison.Ordinal)))
            {
                missing.Add($"{key}* ({where})");
            }
        }

        Assert.True(missing.Count == 0, "Used but not in the resource files: " + string.Join(", ", missing.Distinct()));
    }

    [Fact]
    public void Every_duration_band_on_the_storefront_filter_has_a_label()
    {
        // Independent of the source scan: the filter lists every band, whatever way the page builds the key.
        var missing = Enum.GetNames<DurationBand>().Select(b => $"Storefront.Duration.{b}").Where(k => !EnglishFile.Values.ContainsKey(k)).ToList();

        Assert.True(missing.Count == 0, "Bands without a label: " + string.Join(", ", missing));
    }

    [Fact]
    public void Key_shaped_string_literals_in_the_web_project_name_existing_keys()
    {
        // Catches keys passed around before the lookup (T[key], t[key, args]) that the T["…"] scan misses:
        // any "Section.Name" literal whose first part is a section of the resource files must be a key.
        var sections = EnglishFile.Keys.Select(k => k[..k.IndexOf('.', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var file in SharedResourceFiles.WebSourceFiles())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match m in KeyShapedLiteral().Matches(lines[i]))
                {
                    var key = m.Groups[1].Value;
                    if (sections.Contains(key[..key.IndexOf('.', StringComparison.Ordinal)]) && !EnglishFile.Values.ContainsKey(key))
                    {
                        missing.Add($"{key} ({SharedResourceFiles.Relative(file)}:{i + 1})");
                    }
                }
            }
        }

        Assert.True(missing.Count == 0, "Key-shaped literals not in the resource files: " + string.Join(", ", missing));
    }

    [GeneratedRegex(@"""([A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)+)""")]
    private static partial Regex KeyShapedLiteral();

    private static List<(string Key, string Where)> KeysUsedInWebSource()
    {
        var uses = new List<(string, string)>();
        foreach (var file in SharedResourceFiles.WebSourceFiles())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match m in LocalizerLookup().Matches(lines[i]))
                {
                    uses.Add((m.Groups[1].Value, $"{SharedResourceFiles.Relative(file)}:{i + 1}"));
                }
            }
        }
        return uses;
    }

    private static HashSet<string> Placeholders(string? value) =>
        value is null ? [] : Placeholder().Matches(value).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
}
