using EsimRenewal.Core.Sims;

namespace EsimRenewal.UnitTests.Sims;

public class OneTimeCodeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
    private static readonly Guid SimId = Guid.CreateVersion7();

    private static string Wrong(string code) => ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_right_code_unlocks_the_esim_once()
    {
        var (row, code) = OneTimeCode.Issue(SimId, Now);

        Assert.Matches("^[0-9]{6}$", code);
        Assert.Equal(SimId, row.TryUse(code, Now.AddMinutes(9)));
        Assert.Null(row.TryUse(code, Now.AddMinutes(9)));
    }

    [Fact]
    public void A_code_runs_out_after_ten_minutes()
    {
        var (row, code) = OneTimeCode.Issue(SimId, Now);

        Assert.Null(row.TryUse(code, Now.AddMinutes(10)));
        Assert.True(row.IsSpent(Now.AddMinutes(10)));
    }

    [Fact]
    public void Five_wrong_tries_spend_the_code_even_for_the_right_one()
    {
        var (row, code) = OneTimeCode.Issue(SimId, Now);
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(row.TryUse(Wrong(code), Now));
        }

        Assert.Null(row.TryUse(code, Now));
        Assert.Equal(5, row.FailedTries);
    }

    [Fact]
    public void A_code_for_a_request_that_matched_no_esim_never_unlocks_anything()
    {
        var (row, code) = OneTimeCode.Issue(null, Now);

        Assert.Null(row.TryUse(code, Now));
        Assert.Equal(1, row.FailedTries);
    }

    [Theory]
    [InlineData("123456", true)]
    [InlineData("12345", false)]
    [InlineData("1234567", false)]
    [InlineData("12a456", false)]
    [InlineData(null, false)]
    public void Only_six_digits_are_a_code(string? code, bool wellFormed)
    {
        Assert.Equal(wellFormed, OneTimeCode.IsWellFormed(code));
    }
}
