using EsimRenewal.Core.Sims;
using EsimRenewal.Web;
using EsimRenewal.Web.Pages.Admin.Vouchers;
using EsimRenewal.Web.Pages.Staff;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Time.Testing;

namespace EsimRenewal.UnitTests.Vouchers;

public class VoucherPageValidatorTests
{
    // 2026-12-01 03:00 UTC is 12:00 on 1 December in Japan.
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));

    private static IndexModel.InputModel Batch(string? quantity = "100", string? expiresOn = "2027-03-31", string? channel = "lawson") =>
        new() { PlanVersionId = Guid.NewGuid(), Channel = channel, Quantity = quantity, ExpiresOn = expiresOn };

    [Theory]
    [InlineData("1")]
    [InlineData("100000")]
    public void A_quantity_from_one_to_a_hundred_thousand_is_accepted(string quantity)
    {
        Assert.True(new IndexModel.Validator(new KeyLocalizer(), Clock).Validate(Batch(quantity)).IsValid);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100001")]
    [InlineData("-5")]
    [InlineData("1e3")]
    [InlineData("")]
    [InlineData(null)]
    public void Any_other_quantity_is_refused_with_the_range_message(string? quantity)
    {
        var result = new IndexModel.Validator(new KeyLocalizer(), Clock).Validate(Batch(quantity));

        Assert.Equal("Admin.Vouchers.QuantityRange", Assert.Single(result.Errors).ErrorMessage);
    }

    [Theory]
    [InlineData("2026-12-01", true)]   // today in Japan: valid until 23:59:59 JST tonight
    [InlineData("2026-11-30", false)]  // yesterday
    [InlineData("2031-12-01", true)]   // five years ahead
    [InlineData("2031-12-02", false)]
    [InlineData("12/31/2027", false)]  // only the HTML date input's format
    public void The_expiry_date_is_from_today_in_japan_up_to_five_years(string date, bool valid)
    {
        Assert.Equal(valid, new IndexModel.Validator(new KeyLocalizer(), Clock).Validate(Batch(expiresOn: date)).IsValid);
    }

    [Fact]
    public void Only_the_known_sales_channels_are_accepted()
    {
        Assert.False(new IndexModel.Validator(new KeyLocalizer(), Clock).Validate(Batch(channel: "amazon")).IsValid);
    }

    [Theory]
    [InlineData("8981 1000 0000 0000 010", true)]
    [InlineData("8981100000000000011", false)] // wrong check digit
    [InlineData("12345", false)]
    [InlineData("", false)]
    public void Staff_enter_an_iccid_that_is_checked_before_any_lookup(string iccid, bool valid)
    {
        var expected = Iccid.TryParse(iccid, out _);
        var result = new RedeemModel.Validator(new KeyLocalizer()).Validate(new RedeemModel.InputModel { Code = "X", Iccid = iccid });

        Assert.Equal(valid, expected);
        Assert.Equal(valid, result.IsValid);
    }

    /// <summary>Returns the key as the text, so a test sees which message was chosen.</summary>
    private sealed class KeyLocalizer : IStringLocalizer<SharedResource>
    {
        public LocalizedString this[string name] => new(name, name);

        public LocalizedString this[string name, params object[] arguments] => new(name, name);

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => [];
    }
}
