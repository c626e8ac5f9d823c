using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Stripe;
using Stripe.Checkout;

namespace EsimRenewal.IntegrationTests.StripeEmulator;

/// <summary>The emulator pays anything, so only the holder of its secret key may drive it.</summary>
public sealed class EmulatorAuthenticationTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    public static TheoryData<string, string> Controls => new()
    {
        { "GET", "/_emulator/webhook" },
        { "POST", "/_emulator/webhook" },
        { "POST", "/_emulator/delivery" },
        { "POST", "/_emulator/delivery/release" },
        { "GET", "/_emulator/deliveries" },
        { "GET", "/_emulator/requests" },
        { "POST", "/_emulator/sessions/cs_test_x/pay" },
        { "POST", "/_emulator/sweep" },
        { "POST", "/_emulator/reset" },
    };

    private async Task<HttpResponseMessage> SendAsync(string method, string path, AuthenticationHeaderValue? authorization)
    {
        using var client = new HttpClient { BaseAddress = new Uri(emulator.BaseUrl) };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { url = "http://attacker.example/hook", method = "card" });
        }
        request.Headers.Authorization = authorization;
        return await client.SendAsync(request);
    }

    [Theory]
    [MemberData(nameof(Controls))]
    public async Task A_control_without_the_secret_key_is_refused_with_401(string method, string path)
    {
        using var response = await SendAsync(method, path, authorization: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Theory]
    [MemberData(nameof(Controls))]
    public async Task A_control_with_another_test_key_is_refused_with_401(string method, string path)
    {
        using var response = await SendAsync(method, path, new AuthenticationHeaderValue("Bearer", "sk_test_someone_elses_key_1234"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_refused_control_changes_nothing()
    {
        var session = await emulator.CreateSessionAsync(1500);

        using var pay = await SendAsync("POST", $"/_emulator/sessions/{session.Id}/pay", new AuthenticationHeaderValue("Bearer", "sk_test_someone_elses_key_1234"));
        using var hook = await SendAsync("POST", "/_emulator/webhook", authorization: null);

        Assert.Equal(HttpStatusCode.Unauthorized, pay.StatusCode);
        Assert.Equal("unpaid", (await emulator.Sessions.GetAsync(session.Id)).PaymentStatus);
        var target = await emulator.Control.GetFromJsonAsync<JsonElement>("/_emulator/webhook");
        Assert.NotEqual("http://attacker.example/hook", target.GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_control_with_the_secret_key_works()
    {
        using var response = await SendAsync("GET", "/_emulator/webhook", new AuthenticationHeaderValue("Bearer", emulator.ApiKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_api_accepts_only_the_emulators_own_key_not_any_test_key()
    {
        var sessions = new SessionService(new StripeClient(apiKey: "sk_test_someone_elses_key_1234", apiBase: emulator.BaseUrl));

        var error = await Assert.ThrowsAsync<StripeException>(() => sessions.ListAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.HttpStatusCode);
        Assert.StartsWith("Invalid API Key provided: ", error.StripeError.Message);
        Assert.NotNull(await emulator.Sessions.ListAsync());
    }
}
