using System.Text.RegularExpressions;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Data;

/// <summary>
/// The signed-in traveller's lists (/sims, /orders) read through indexes on the owner, whatever the size of
/// the tables: PostgreSQL's planner, told not to scan whole tables, finds the owner's index, and /orders
/// needs no sort (the index is in created_at order). The admin order search has the same proof in
/// OrderSearchPlanTests; the figures at 10,000 and 1,000,000 orders are bench/run.sh's (docs/decisions/0026).
/// </summary>
public sealed partial class AccountPagePlanTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [GeneratedRegex(@"^-- (@\w+)='(.*)'(?: \(.*\))?$", RegexOptions.Multiline)]
    private static partial Regex Parameter();

    private async Task<string> ExplainAsync(string queryText)
    {
        var sql = Parameter().Replace(queryText, "");
        foreach (Match p in Parameter().Matches(queryText))
        {
            sql = Regex.Replace(sql, Regex.Escape(p.Groups[1].Value) + @"\b", "'" + p.Groups[2].Value.Replace("'", "''", StringComparison.Ordinal) + "'");
        }
        await using var connection = new Npgsql.NpgsqlConnection(portal.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SET enable_seqscan = off; EXPLAIN " + sql;
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return string.Join('\n', lines);
    }

    [Fact]
    public async Task The_orders_page_reads_the_owners_orders_through_their_index_already_in_order()
    {
        await using var scope = portal.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EsimDbContext>();

        var sql = OrderService.HistoryQuery.Compile()(db, "some-user-id", 40).ToQueryString();
        var plan = await ExplainAsync(sql);

        Assert.DoesNotContain("description", sql); // the plan's names only, not its whole row

        Assert.Contains("ix_orders_user_id_created_at", plan);
        Assert.DoesNotMatch(@"Seq Scan on (orders|plan_versions|plans)\b", plan);
        Assert.DoesNotMatch(@"Sort\b", plan);
    }

    [Fact]
    public async Task The_sims_page_reads_the_owners_sims_through_their_index()
    {
        await using var scope = portal.Factory.Services.CreateAsyncScope();
        var sims = scope.ServiceProvider.GetRequiredService<SimService>();

        var sql = sims.ListForOwnerQuery("some-user-id").ToQueryString();
        var plan = await ExplainAsync(sql);

        Assert.DoesNotContain("description", sql); // the plan's names only, not its whole row

        Assert.Contains("ix_sims_owner_id", plan);
        Assert.DoesNotMatch(@"Seq Scan on sims\b", plan);
    }
}
