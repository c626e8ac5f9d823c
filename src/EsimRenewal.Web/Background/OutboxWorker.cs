using EsimRenewal.Core.Carrier;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Background;

public sealed class WorkerOptions
{
    public const string Section = "Workers";

    /// <summary>Run the background workers in this instance (every instance may; they coordinate through PostgreSQL).</summary>
    public bool Enabled { get; set; } = true;
    public TimeSpan OutboxInterval { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan EmailInterval { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Delivers carrier outbox messages; safe on several instances (rows claimed with SKIP LOCKED).</summary>
internal sealed class OutboxWorker(IServiceScopeFactory scopes, IOptions<WorkerOptions> options, ILogger<OutboxWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.OutboxInterval);
        do
        {
            try
            {
                int delivered;
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    delivered = await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().DispatchAsync(ct: stoppingToken);
                }
                while (delivered > 0 && !stoppingToken.IsCancellationRequested);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The outbox worker failed; it will try again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
