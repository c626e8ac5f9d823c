using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Reminders;
using EsimRenewal.Web.Background;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Notifications;

/// <summary>Sends queued emails; safe on several instances (rows claimed with SKIP LOCKED).</summary>
internal sealed class EmailWorker(IServiceScopeFactory scopes, IOptions<WorkerOptions> options, ILogger<EmailWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.EmailInterval);
        do
        {
            try
            {
                int attempted;
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var composer = scope.ServiceProvider.GetRequiredService<EmailComposer>();
                    attempted = await scope.ServiceProvider.GetRequiredService<EmailOutbox>().DispatchAsync(composer.ComposeAsync, ct: stoppingToken);
                }
                while (attempted > 0 && !stoppingToken.IsCancellationRequested);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The email worker failed; it will try again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>Queues expiry reminders that are due; safe on several instances (one reminder per SIM, expiry and kind).</summary>
internal sealed class ReminderWorker(IServiceScopeFactory scopes, IOptions<WorkerOptions> options, ILogger<ReminderWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReminderInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ReminderService>().QueueDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The reminder worker failed; it will try again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
