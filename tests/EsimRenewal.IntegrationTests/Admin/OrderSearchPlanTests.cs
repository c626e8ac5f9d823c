using System.Text.RegularExpressions;
using EsimRenewal.Core.Orders;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace EsimRenewal.IntegrationTests.Admin;

/// <summary>
/// Every shape of the admin order search can be answered through an index: PostgreSQL's planner,
/// told not to scan whole tables, still finds a plan without a sequential scan of orders, sims or
/// users. (Measured on a million orders in docs/decisions/0017.)
/// </summary>
public sealed partial class OrderSearchPlanTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [GeneratedRegex(@"^-- (@\w+)='(.*)'(?: \(.*\))?$", RegexOptions.Multiline)]
    private static partial Regex Parameter();

    public static TheoryData<string> Shapes() => ["number", "iccid", "email", "phone", "state", "dates", "next page", "carrier failing", "awaiting payment", "voucher channel", "none"];

    private static OrderSearch Search(string shape) => shape switch
    {
        "number" => new OrderSearch(new OrderQuery(Number: 1024), null, null, null, null),
        "iccid" => new OrderSearch(new OrderQuery(Iccid: "8981100000000000036"), null, null, null, null),
        "email" => new OrderSearch(new OrderQuery(Email: "mei@example.com"), null, null, null, null),
        "phone" => new OrderSearch(new OrderQuery(Phone: "+819012345678"), null, null, null, null),
        "state" => new OrderSearch(null, OrderState.AwaitingAsyncPayment, null, null, null),
        "dates" => new OrderSearch(null, null, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), null),
        "next page" => new OrderSearch(null, null, null, null, new OrderCursor(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), 500_000)),
        "carrier failing" => new OrderSearch(null, null, null, null, null, CarrierFailing: true),
        "awaiting payment" => new OrderSearch(null, null, null, null, null, AwaitingPayment: true),
        "voucher channel" => new OrderSearch(null, null, new DateOnly(2026, 11, 3), new DateOnly(2026, 12, 2), null, VoucherChannel: "lawson"),
        _ => new OrderSearch(null, null, null, null, null),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task The_search_never_needs_to_read_a_whole_table(string shape)
    {
        await using var db = portal.Database.NewContext();
        var service = new OrderAdminService(db, new FakeTimeProvider());
        var text = (await service.SearchQueryAsync(Search(shape))).ToQueryString();
        // ToQueryString declares the parameters as comments; put their values in as literals.
        var sql = Parameter().Replace(text, "");
        foreach (Match p in Parameter().Matches(text))
        {
            sql = Regex.Replace(sql, Regex.Escape(p.Groups[1].Value) + @"\b", "'" + p.Groups[2].Value.Replace("'", "''", StringComparison.Ordinal) + "'");
        }

        await using var connection = new Npgsql.NpgsqlConnection(portal.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SET enable_seqscan = off; EXPLAIN " + sql;
        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }
        var plan = string.Join('\n', lines);

        Assert.DoesNotMatch(@"Seq Scan on (orders|sims|users)\b", plan);
    }
}
