using System.Xml.Linq;

namespace EsimRenewal.UnitTests.Localization;

/// <summary>The Web project's UI strings, read straight from its resx files in the repository.</summary>
internal static class SharedResourceFiles
{
    public const string English = "en";

    public static readonly IReadOnlyList<string> Cultures = ["zh-Hans", "ja", English];

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string WebProjectDirectory => Path.Combine(RepositoryRoot, "src", "EsimRenewal.Web");

    public static string PathOf(string culture) =>
        Path.Combine(WebProjectDirectory, "Resources", $"SharedResource.{culture}.resx");

    /// <summary>Every string resource of one language: key → value, with keys that appear more than once listed apart.</summary>
    public static ResourceFile Load(string culture)
    {
        var path = PathOf(culture);
        Assert.True(File.Exists(path), $"Resource file {path} is missing.");
        var entries = XDocument.Load(path).Root!
            .Elements("data")
            .Where(e => e.Attribute("type") is null && e.Attribute("mimetype") is null)
            .Select(e => (Key: (string)e.Attribute("name")!, Value: e.Element("value")?.Value))
            .ToList();
        var duplicates = entries.GroupBy(e => e.Key, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var values = entries.DistinctBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        return new ResourceFile(culture, values, duplicates);
    }

    /// <summary>Source files of the Web project (C# and Razor), outside build output.</summary>
    public static IEnumerable<string> WebSourceFiles()
    {
        var separator = Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(WebProjectDirectory, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{separator}bin{separator}", StringComparison.Ordinal)
                && !f.Contains($"{separator}obj{separator}", StringComparison.Ordinal));
    }

    public static string Relative(string path) => Path.GetRelativePath(RepositoryRoot, path);

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EsimRenewal.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No EsimRenewal.sln above {AppContext.BaseDirectory}: cannot find the repository.");
    }
}

internal sealed record ResourceFile(string Culture, IReadOnlyDictionary<string, string?> Values, IReadOnlyList<string> DuplicateKeys)
{
    public IEnumerable<string> Keys => Values.Keys;
}
