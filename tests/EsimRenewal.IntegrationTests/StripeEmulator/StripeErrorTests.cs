using System.Net;
using Stripe;
using Stripe.Checkout;

namespace EsimRenewal.IntegrationTests.StripeEmulator;

/// <summary>Invalid requests are answered with Stripe's status codes and error objects, which Stripe.net turns into <see cref="StripeException"/>.</summary>
public sealed class StripeErrorTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private async Task<StripeException> RefusedAsync(Action<SessionCreateOptions> spoil)
    {
        var options = EmulatorFixture.NewSession();
        spoil(options);
        var before = (await emulator.Sessions.ListAsync(new SessionListOptions { Limit = 100 })).Data.Count;

        var error = await Assert.ThrowsAsync<StripeException>(() => emulator.Sessions.CreateAsync(options));

        Assert.Equal(before, (await emulator.Sessions.ListAsync(new SessionListOptions { Limit = 100 })).Data.Count);
        return error;
    }

    [Fact]
    public async Task Creating_a_session_with_an_unknown_currency_is_rejected_like_Stripe()
    {
        var error = await RefusedAsync(o => o.LineItems[0].PriceData.Currency = "xyz");

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Equal("line_items[0][price_data][currency]", error.StripeError.Param);
        Assert.StartsWith("Invalid currency: xyz.", error.StripeError.Message);
    }

    [Fact]
    public async Task Creating_a_session_with_a_negative_amount_is_rejected_like_Stripe()
    {
        var error = await RefusedAsync(o => o.LineItems[0].PriceData.UnitAmount = -1500);

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Equal("parameter_invalid_integer", error.StripeError.Code);
        Assert.Equal("line_items[0][price_data][unit_amount]", error.StripeError.Param);
    }

    [Fact]
    public async Task Creating_a_session_with_a_non_integer_amount_is_rejected_like_Stripe()
    {
        var error = await RefusedAsync(o =>
        {
            o.LineItems[0].PriceData.UnitAmount = null;
            o.AddExtraParam("line_items[0][price_data][unit_amount]", "1500.5");
        });

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("parameter_invalid_integer", error.StripeError.Code);
        Assert.Equal("line_items[0][price_data][unit_amount]", error.StripeError.Param);
        Assert.Equal("Invalid integer: 1500.5", error.StripeError.Message);
    }

    [Fact]
    public async Task Creating_a_session_of_fifteen_yen_is_too_small_which_catches_a_divided_by_100_amount()
    {
        var error = await RefusedAsync(o => o.LineItems[0].PriceData.UnitAmount = 15);

        Assert.Equal("amount_too_small", error.StripeError.Code);
        Assert.Equal("line_items", error.StripeError.Param);
    }

    [Fact]
    public async Task Creating_a_session_without_success_url_is_rejected_like_Stripe()
    {
        var error = await RefusedAsync(o => o.SuccessUrl = null);

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("parameter_missing", error.StripeError.Code);
        Assert.Equal("success_url", error.StripeError.Param);
        Assert.Equal("Missing required param: success_url.", error.StripeError.Message);
    }

    [Fact]
    public async Task Creating_a_session_without_line_items_is_rejected_like_Stripe()
    {
        var error = await RefusedAsync(o => o.LineItems = null);

        Assert.Equal("parameter_missing", error.StripeError.Code);
        Assert.Equal("line_items", error.StripeError.Param);
    }

    [Fact]
    public async Task Creating_a_session_allowing_only_payment_methods_the_account_has_not_activated_is_rejected_like_Stripe()
    {
        var error = await RefusedAsync(o => o.AllowedPaymentMethodTypes = ["paypal", "ideal"]);

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Equal("payment_method_unactivated", error.StripeError.Code);
        Assert.Equal("allowed_payment_method_types", error.StripeError.Param);
    }

    [Fact]
    public async Task Creating_a_session_with_a_payment_method_type_Stripe_does_not_know_is_rejected()
    {
        var error = await RefusedAsync(o => o.AllowedPaymentMethodTypes = ["card", "seven_eleven"]);

        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Equal("allowed_payment_method_types[1]", error.StripeError.Param);
        Assert.StartsWith("Invalid allowed_payment_method_types[1]: must be one of", error.StripeError.Message);
    }

    [Fact]
    public async Task Creating_a_session_with_the_payment_method_types_parameter_removed_in_endive_is_rejected_like_Stripe()
    {
        var error = await RefusedAsync(o =>
        {
            o.AllowedPaymentMethodTypes = null;
            o.AddExtraParam("payment_method_types[0]", "card");
        });

        Assert.Equal("parameter_unknown", error.StripeError.Code);
        Assert.Equal("payment_method_types", error.StripeError.Param);
    }

    [Fact]
    public async Task Creating_a_session_with_wechat_pay_but_no_client_is_rejected_like_Stripe()
    {
        var error = await RefusedAsync(o => o.AllowedPaymentMethodTypes = ["card", "wechat_pay"]);

        Assert.Equal("parameter_missing", error.StripeError.Code);
        Assert.Equal("payment_method_options[wechat_pay][client]", error.StripeError.Param);
    }

    [Fact]
    public async Task Creating_a_session_with_a_UI_culture_name_instead_of_a_Stripe_locale_is_rejected()
    {
        var error = await RefusedAsync(o => o.Locale = "zh-Hans");

        Assert.Equal("locale", error.StripeError.Param);
        Assert.StartsWith("Invalid locale", error.StripeError.Message);
    }

    [Fact]
    public async Task Creating_a_session_with_an_unknown_parameter_is_rejected_like_Stripe()
    {
        var error = await RefusedAsync(o => o.AddExtraParam("amount", "1500"));

        Assert.Equal("parameter_unknown", error.StripeError.Code);
        Assert.Equal("amount", error.StripeError.Param);
        Assert.Equal("Received unknown parameter: amount", error.StripeError.Message);
    }

    [Fact]
    public async Task Retrieving_an_unknown_session_is_a_404_resource_missing()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => emulator.Sessions.GetAsync("cs_test_doesnotexist"));

        Assert.Equal(HttpStatusCode.NotFound, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.Equal("resource_missing", error.StripeError.Code);
        Assert.Equal("id", error.StripeError.Param);
        Assert.Equal("No such checkout.session: 'cs_test_doesnotexist'", error.StripeError.Message);
    }

    [Fact]
    public async Task Expiring_an_unknown_session_is_a_404_resource_missing()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => emulator.Sessions.ExpireAsync("cs_test_doesnotexist"));

        Assert.Equal(HttpStatusCode.NotFound, error.HttpStatusCode);
        Assert.Equal("resource_missing", error.StripeError.Code);
    }

    [Theory]
    [InlineData("sk_live_0123456789abcdefWXYZ")]
    [InlineData("pk_test_0123456789abcdefWXYZ")]
    [InlineData("not_a_key_at_all_WXYZ")]
    public async Task A_key_that_is_not_a_test_secret_key_is_refused_with_401_and_a_masked_key(string key)
    {
        var sessions = new SessionService(new StripeClient(apiKey: key, apiBase: emulator.BaseUrl));

        var error = await Assert.ThrowsAsync<StripeException>(() => sessions.ListAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.Equal("invalid_request_error", error.StripeError.Type);
        Assert.StartsWith("Invalid API Key provided: ", error.StripeError.Message);
        Assert.EndsWith("WXYZ", error.StripeError.Message);
        Assert.DoesNotContain("0123456789abcdef", error.StripeError.Message);
    }
}
