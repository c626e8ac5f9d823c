using EsimRenewal.StripeEmulator.Infrastructure;
using EsimRenewal.StripeEmulator.Payments;
using EsimRenewal.StripeEmulator.Sessions;
using Microsoft.Extensions.Options;

namespace EsimRenewal.StripeEmulator;

/// <summary>
/// Every <c>Emulator:ExpirySweepInterval</c>: expires sessions past <c>expires_at</c>
/// (<c>checkout.session.expired</c>), lapses konbini slips past their deadline
/// (<c>checkout.session.async_payment_failed</c>) and forgets idempotency keys older than 24 hours.
/// </summary>
public sealed class ExpirySweeper(
    CheckoutSessionService sessions,
    CheckoutPayments payments,
    IdempotencyCache idempotency,
    TimeProvider time,
    IOptions<EmulatorOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            sessions.ExpireDue();
            payments.LapseOverdueKonbini();
            idempotency.RemoveOlderThan(time.GetUtcNow().AddHours(-24));
        }
    }
}
