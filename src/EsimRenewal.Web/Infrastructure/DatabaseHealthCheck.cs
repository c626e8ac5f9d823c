using EsimRenewal.Core.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>Healthy only when PostgreSQL answers a query.</summary>
internal sealed class DatabaseHealthCheck(EsimDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The database does not answer.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", ex);
        }
    }
}
