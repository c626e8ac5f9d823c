using EsimRenewal.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.Core.Carrier;

/// <summary>
/// The default carrier: records what it was told in its own table, once per request id, through its
/// own database connection (as an outside system would, independent of the caller's transaction).
/// </summary>
public sealed class SimulatedCarrierGateway(IDbContextFactory<EsimDbContext> contexts, TimeProvider clock) : ICarrierGateway
{
    public async Task ApplyValidityAsync(SimValidityChanged change, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO simulated_carrier_calls (request_id, operation, iccid, expires_at, data_mb, received_at)
            VALUES ({change.RequestId}, {SimValidityChanged.Type}, {change.Iccid}, {change.ExpiresAt}, {change.DataLeftMb}, {clock.GetUtcNow()})
            ON CONFLICT (request_id) DO NOTHING
            """,
            ct);
    }
}
