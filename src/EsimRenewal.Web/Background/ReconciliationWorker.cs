using EsimRenewal.Core.Data;
using EsimRenewal.Core.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Background;

/// <summary>
/// Runs the payment reconciliation every minute. With several instances, a PostgreSQL advisory lock
/// lets one of them run it at a time (the work itself is idempotent either way).
/// </summary>
internal sealed class ReconciliationWorker(IServiceScopeFactory scopes, IOptions<WorkerOptions> options, ILogger<ReconciliationWorker> logger) : BackgroundService
{
    private const long LockKey = 0x45_53_49_4D_52_45_43; // "ESIMREC"

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReconcileInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<EsimDbContext>();
                await db.Database.OpenConnectionAsync(stoppingToken);
                try
                {
                    var locked = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({LockKey}) AS \"Value\"").SingleAsync(stoppingToken);
                    if (!locked)
                    {
                        continue;
                    }
                    try
                    {
                        await scope.ServiceProvider.GetRequiredService<Reconciler>().ReconcileAsync(stoppingToken);
                    }
                    finally
                    {
                        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
                    }
                }
                finally
                {
                    await db.Database.CloseConnectionAsync();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Payment reconciliation failed; it will try again");
            }
        }
    }
}
