using System.Net;
using CsvHelper;
using EsimRenewal.Core.Vouchers;

namespace EsimRenewal.IntegrationTests.Vouchers;

/// <summary>A downloaded code sheet, read back with CsvHelper.</summary>
internal sealed record CodeSheetRow(string Serial, string Code, string Plan, string Expiry)
{
    public VoucherCode ParsedCode => VoucherCode.Parse(Code).Code ?? throw new InvalidOperationException("Not a code in the sheet.");

    public static async Task<IReadOnlyList<CodeSheetRow>> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    public static IReadOnlyList<CodeSheetRow> Parse(string text)
    {
        using var csv = CsvReader.FromText(text.TrimStart('\uFEFF'), null);
        var rows = new List<CodeSheetRow>();
        while (csv.Read())
        {
            rows.Add(new CodeSheetRow(csv.GetString("serial"), csv.GetString("code"), csv.GetString("plan"), csv.GetString("expiry")));
        }
        return rows;
    }
}
