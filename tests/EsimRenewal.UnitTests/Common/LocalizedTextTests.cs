using System.Globalization;
using EsimRenewal.Core.Common;

namespace EsimRenewal.UnitTests.Common;

public class LocalizedTextTests
{
    private static readonly LocalizedText Text = new("中文名称", "日本語の名前", "English name");

    [Theory]
    [InlineData("zh-Hans", "中文名称")]
    [InlineData("zh-CN", "中文名称")]
    [InlineData("zh-SG", "中文名称")]
    [InlineData("zh", "中文名称")]
    [InlineData("ja", "日本語の名前")]
    [InlineData("ja-JP", "日本語の名前")]
    [InlineData("en", "English name")]
    [InlineData("en-GB", "English name")]
    public void Each_product_language_and_its_regions_get_their_own_text(string culture, string expected)
    {
        Assert.Equal(expected, Text.For(new CultureInfo(culture)));
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("fr-FR")]
    [InlineData("ko-KR")]
    [InlineData("de")]
    public void Other_languages_fall_back_to_english(string culture)
    {
        Assert.Equal("English name", Text.For(new CultureInfo(culture)));
    }

    [Fact]
    public void The_invariant_culture_gets_english()
    {
        Assert.Equal("English name", Text.For(CultureInfo.InvariantCulture));
    }
}
