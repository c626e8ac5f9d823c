using System.Text;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EsimRenewal.IntegrationTests.Vouchers;

/// <summary>
/// A voucher code is cash: the database never holds one in plain form (not even between generation
/// and the one download), and no log line ever contains one, whatever was typed or refused.
/// </summary>
public sealed class VoucherSecrecyTests(ManualGenerationFixture portal) : IClassFixture<ManualGenerationFixture>, IAsyncLifetime
{
    private readonly VoucherScenario _scenario = new(portal.Factory);

    public Task InitializeAsync() => portal.Database.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task No_column_of_any_table_and_no_log_line_ever_holds_a_code()
    {
        await _scenario.AdminWithTwoFactorAsync("admin@example.com");
        var traveller = await _scenario.UserAsync("mei@example.com", Roles.Traveller);
        await _scenario.UserAsync("desk@example.com", Roles.Staff);
        var plan = await _scenario.PlanAsync("jp-7d", 7, SimKinds.Both);
        var sim = await _scenario.SimAsync(traveller.Id, SimKind.Physical, plan);
        var admin = await portal.Factory.SignedInClientAsync("admin@example.com");
        var form = await admin.GetDocumentAsync("/admin/vouchers");
        var created = await admin.SubmitAsync(form, "[data-testid=generate-form]", new Dictionary<string, string>
        {
            ["Input.PlanVersionId"] = plan.ToString(),
            ["Input.Channel"] = SalesChannels.SevenEleven,
            ["Input.Quantity"] = "6000",
            ["Input.ExpiresOn"] = Core.Common.Jst.DateOf(_scenario.Now).AddDays(100).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        });
        var batchId = Guid.Parse(created.Headers.Location!.OriginalString["/admin/vouchers/".Length..]);
        await _scenario.WithBatchesAsync(async s => { await s.GenerateAllAsync(batchId); return 0; });

        // Everything the database holds while the codes wait, sealed, for their one download.
        var beforeDownload = await EveryTextAndByteValueAsync();
        var details = await admin.GetDocumentAsync($"/admin/vouchers/{batchId}");
        var rows = await CodeSheetRow.ReadAsync(await admin.SubmitAsync(details, "[data-testid=download-form]", new Dictionary<string, string>()));
        await admin.SubmitAsync(await admin.GetDocumentAsync($"/admin/vouchers/{batchId}"), "[data-testid=activate-form]", new Dictionary<string, string>());
        var codes = rows.Select(r => r.ParsedCode).ToList();

        // Use codes every way a person would: redeem (messy input), typos, unknown codes, the staff look-up and desk.
        var client = await portal.Factory.SignedInClientAsync("mei@example.com");
        var typed = new List<string> { codes[0].ToString().ToLowerInvariant().Replace('-', ' '), Typo(codes[1]), Typo(codes[2]).ToLowerInvariant() };
        var preview = await client.PreviewAsync(typed[0], sim.Id);
        Assert.True((await client.SubmitAsync(preview, "[data-testid=redeem-confirm-form]", new Dictionary<string, string>())).IsRedirect());
        await client.FindAsync(typed[0]); // already redeemed
        await client.FindAsync(typed[1]);
        await client.FindAsync(typed[2]);
        var unknown = VoucherCode.Generate();
        await client.FindAsync(unknown.ToString());
        var desk = await portal.Factory.SignedInClientAsync("desk@example.com");
        await desk.LookUpAsync(codes[3].ToCanonicalString());
        var staffPreview = await HtmlForms.ParseAsync(await desk.StaffPreviewAsync(codes[4].ToString(), sim.Iccid));
        await desk.SubmitAsync(staffPreview, "[data-testid=staff-confirm-form]", new Dictionary<string, string>());
        await desk.StaffPreviewAsync(codes[5].ToString(), Iccid.FromBody("898110999999999999").Value); // unknown SIM

        var afterUse = await EveryTextAndByteValueAsync();
        Assert.True(beforeDownload.Length > 0 && afterUse.Contains(traveller.Id, StringComparison.OrdinalIgnoreCase), "The scan reads the tables.");
        var secrets = codes.Append(unknown).SelectMany(c => new[] { c.ToCanonicalString(), c.ToString() }).ToList();
        Assert.DoesNotContain(secrets, s => beforeDownload.Contains(s, StringComparison.Ordinal));
        Assert.DoesNotContain(secrets, s => afterUse.Contains(s, StringComparison.Ordinal));

        var logs = string.Join('\n', portal.Factory.Logs.Lines).ToUpperInvariant();
        Assert.Contains("REDEEMED ONTO SIM", logs, StringComparison.Ordinal); // the capture works
        var typedForms = typed.Select(t => t.ToUpperInvariant()).Concat(typed.Select(t => t.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()));
        Assert.DoesNotContain(secrets.Concat(typedForms), s => logs.Contains(s, StringComparison.Ordinal));
    }

    /// <summary>
    /// Every value of every text, character, JSON, XML and binary column of every table, upper-cased and
    /// joined (binary read as Latin-1, so stored ASCII shows as itself).
    /// </summary>
    private async Task<string> EveryTextAndByteValueAsync()
    {
        await using var connection = new NpgsqlConnection(portal.Database.ConnectionString);
        await connection.OpenAsync();
        var columns = new List<(string Table, string Column, string Type)>();
        await using (var command = new NpgsqlCommand("""
            SELECT c.table_name, c.column_name, c.data_type
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = 'public'
              AND c.data_type IN ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb', 'xml')
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        Assert.Contains(columns, c => c is { Table: "vouchers", Column: "code_hash" });
        Assert.Contains(columns, c => c is { Table: "voucher_code_export_chunks", Column: "sealed_codes" });
        Assert.Contains(columns, c => c is { Table: "audit_entries", Column: "after" });

        var text = new StringBuilder();
        foreach (var (table, column, type) in columns)
        {
            var select = type == "bytea" ? $"SELECT \"{column}\" FROM \"{table}\"" : $"SELECT \"{column}\"::text FROM \"{table}\"";
            await using var command = new NpgsqlCommand(select, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                if (reader.IsDBNull(0))
                {
                    continue;
                }
                text.Append(type == "bytea" ? Encoding.Latin1.GetString((byte[])reader[0]) : reader.GetString(0)).Append('\n');
            }
        }
        return text.ToString().ToUpperInvariant();
    }

    private static string Typo(VoucherCode code)
    {
        var text = code.ToString();
        return (text[0] == 'A' ? 'B' : 'A') + text[1..];
    }
}
