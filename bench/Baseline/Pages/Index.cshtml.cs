using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace EsimRenewal.Bench.Baseline.Pages;

public sealed record PlanRow(string Code, string Name, int ValidityDays, long? DataMb, long PriceYen);

/// <summary>The active plans at their current version, in one query (the Fortunes shape: read, render, done).</summary>
public sealed class IndexModel(NpgsqlDataSource database) : PageModel
{
    private const string Sql = """
        SELECT p.code, p.name_zh_hans, v.validity_days, v.data_mb, v.price_yen
        FROM plans p
        JOIN LATERAL (SELECT validity_days, data_mb, price_yen FROM plan_versions
                      WHERE plan_id = p.id AND effective_from <= now()
                      ORDER BY effective_from DESC LIMIT 1) v ON true
        WHERE p.is_active
        ORDER BY p.sort_order, v.validity_days, p.code
        """;

    public List<PlanRow> Plans { get; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        await using var command = database.CreateCommand(Sql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            Plans.Add(new PlanRow(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.GetInt64(4)));
        }
    }
}
