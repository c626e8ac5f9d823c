using EsimRenewal.Core.Data;
using EsimRenewal.Core.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

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
                        await UnlockAsync(db);
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

    /// <summary>
    /// Releases the session's lock. Pooled connections are not reset when they go back to the pool
    /// (EsimDatabase.WithDefaults), so a connection whose unlock failed is closed instead of pooled: it would
    /// otherwise keep the lock and stop every instance from reconciling.
    /// </summary>
    private static async Task UnlockAsync(EsimDbContext db)
    {
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
        catch
        {
            NpgsqlConnection.ClearPool((NpgsqlConnection)db.Database.GetDbConnection());
            throw;
        }
    }
}
