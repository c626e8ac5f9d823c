using System.Net;
using Stripe;
using Stripe.Checkout;

namespace EsimRenewal.IntegrationTests.StripeEmulator;

public sealed class IdempotencyTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private async Task<int> SessionsWithReferenceAsync(string clientReferenceId) =>
        (await emulator.Sessions.ListAsync(new SessionListOptions { Limit = 100 })).Data.Count(s => s.ClientReferenceId == clientReferenceId);

    [Fact]
    public async Task The_same_key_and_body_returns_the_stored_session_instead_of_creating_another()
    {
        var options = EmulatorFixture.NewSession();
        var requestOptions = new RequestOptions { IdempotencyKey = "order-42-attempt-1-" + Guid.NewGuid() };

        var first = await emulator.Sessions.CreateAsync(options, requestOptions);
        var second = await emulator.Sessions.CreateAsync(options, requestOptions);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("true", second.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.StripeResponse.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, await SessionsWithReferenceAsync(options.ClientReferenceId));
    }

    [Fact]
    public async Task Concurrent_identical_requests_released_together_create_exactly_one_session()
    {
        var options = EmulatorFixture.NewSession();
        var key = "double-click-" + Guid.NewGuid();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var requests = Enumerable.Range(0, 12).Select(async _ =>
        {
            await start.Task;
            return await emulator.Sessions.CreateAsync(options, new RequestOptions { IdempotencyKey = key });
        }).ToList();
        start.SetResult();
        var sessions = await Task.WhenAll(requests);

        Assert.Single(sessions.Select(s => s.Id).Distinct());
        Assert.Equal(1, await SessionsWithReferenceAsync(options.ClientReferenceId));
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_an_idempotency_error()
    {
        var key = "reused-" + Guid.NewGuid();
        var original = await emulator.Sessions.CreateAsync(EmulatorFixture.NewSession(1500), new RequestOptions { IdempotencyKey = key });
        var other = EmulatorFixture.NewSession(3000);

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            emulator.Sessions.CreateAsync(other, new RequestOptions { IdempotencyKey = key }));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("idempotency_error", error.StripeError.Type);
        Assert.StartsWith("Keys for idempotent requests can only be used with the same parameters they were first used with.", error.StripeError.Message);
        Assert.Equal(0, await SessionsWithReferenceAsync(other.ClientReferenceId));
        Assert.Equal("open", (await emulator.Sessions.GetAsync(original.Id)).Status);
    }

    [Fact]
    public async Task Different_keys_create_different_sessions()
    {
        var options = EmulatorFixture.NewSession();

        var first = await emulator.Sessions.CreateAsync(options, new RequestOptions { IdempotencyKey = "a-" + Guid.NewGuid() });
        var second = await emulator.Sessions.CreateAsync(options, new RequestOptions { IdempotencyKey = "b-" + Guid.NewGuid() });

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(2, await SessionsWithReferenceAsync(options.ClientReferenceId));
    }

    [Fact]
    public async Task A_request_refused_as_invalid_does_not_use_up_its_key()
    {
        var key = "fix-and-retry-" + Guid.NewGuid();
        var invalid = EmulatorFixture.NewSession();
        invalid.SuccessUrl = null;
        await Assert.ThrowsAsync<StripeException>(() => emulator.Sessions.CreateAsync(invalid, new RequestOptions { IdempotencyKey = key }));

        var valid = await emulator.Sessions.CreateAsync(EmulatorFixture.NewSession(), new RequestOptions { IdempotencyKey = key });

        Assert.Equal("open", valid.Status);
    }
}
