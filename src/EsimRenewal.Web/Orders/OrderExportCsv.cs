using System.Globalization;
using CsvHelper;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Orders;

namespace EsimRenewal.Web.Orders;

/// <summary>
/// The accountants' export: orders paid in a date range, one row each with the receipt's tax columns
/// (total including tax, the tax in it, the total without it, the rate). Streamed, never buffered whole.
/// </summary>
public static class OrderExportCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static readonly string[] Header =
    [
        "order_number", "paid_at_jst", "state", "kind", "plan_code", "plan_version", "plan_name", "amount_jpy_incl_tax",
        "consumption_tax_jpy", "amount_jpy_excl_tax", "tax_rate_percent", "payment_method", "refunded_at_jst", "iccid", "buyer_email",
    ];

    public static string FileName(DateOnly from, DateOnly to) =>
        string.Create(CultureInfo.InvariantCulture, $"orders-{from:yyyyMMdd}-{to:yyyyMMdd}.csv");

    public static async Task WriteAsync(Stream output, IAsyncEnumerable<OrderExportRow> rows, CancellationToken ct)
    {
        // A byte order mark, so spreadsheet programs on Japanese Windows read the file as UTF-8.
        await using var csv = CsvWriter.Create(output, CsvWriterOptions.Default with { WriteByteOrderMark = true }, leaveOpen: true);
        csv.WriteHeader(Header);
        await foreach (var row in rows.WithCancellation(ct))
        {
            await csv.WriteRecordAsync(
            [
                row.Number.ToString(CultureInfo.InvariantCulture),
                Jst.Format(row.PaidAt),
                row.State.ToString(),
                row.Kind.ToString(),
                row.PlanCode,
                row.PlanVersion.ToString(CultureInfo.InvariantCulture),
                row.PlanName,
                row.Amount.Amount.ToString(CultureInfo.InvariantCulture),
                row.IncludedTax.Amount.ToString(CultureInfo.InvariantCulture),
                (row.Amount.Amount - row.IncludedTax.Amount).ToString(CultureInfo.InvariantCulture),
                ConsumptionTax.RatePercent.ToString(CultureInfo.InvariantCulture),
                row.PaymentMethod ?? "",
                row.RefundedAt is { } refunded ? Jst.Format(refunded) : "",
                row.Iccid ?? "",
                row.Email,
            ], ct);
        }
        await csv.FlushAsync(ct);
    }
}
