using EsimRenewal.Core.Data;
using EsimRenewal.Core.Plans;
using Npgsql;

namespace EsimRenewal.Web.Plans;

/// <summary>
/// Listens on PostgreSQL's <see cref="CatalogueChanges.Channel"/>, where a trigger on <c>plans</c> and
/// <c>plan_versions</c> notifies every committed change (an admin on any instance, a seed, a hand-written
/// UPDATE), and evicts this instance's cached catalogue pages. While the connection is down nothing is
/// heard: no page is kept then, and each (re)connection evicts once.
/// </summary>
internal sealed class CatalogueChangeListener(IConfiguration configuration, CatalogueCache cache, ILogger<CatalogueChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(EsimDatabase.ConnectionStringName))
        {
            Pooling = false, // one long-lived session of its own
            KeepAlive = 30, // a connection that died quietly is noticed
        }.ConnectionString;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => _ = EvictAsync();
                await using (var listen = new NpgsqlCommand($"LISTEN {CatalogueChanges.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                await cache.EvictAsync(stoppingToken); // whatever changed while nobody listened
                cache.Listening = true;
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                cache.Listening = false;
                return;
            }
            catch (Exception ex)
            {
                cache.Listening = false; // no page is kept while a change could go unheard
                logger.LogWarning(ex, "Listening for catalogue changes failed; trying again in {Seconds} s", RetryAfter.TotalSeconds);
                try
                {
                    await Task.Delay(RetryAfter, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task EvictAsync()
    {
        try
        {
            await cache.EvictAsync();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Evicting the cached catalogue pages failed");
        }
    }
}
