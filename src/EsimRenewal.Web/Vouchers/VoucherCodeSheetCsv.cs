using System.Globalization;
using CsvHelper;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Vouchers;

namespace EsimRenewal.Web.Vouchers;

/// <summary>
/// Writes a batch's one-time code sheet as CSV with CsvHelper: serial, code, plan, expiry. Streamed
/// record by record with asynchronous flushes, never buffered whole.
/// </summary>
public static class VoucherCodeSheetCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static readonly string[] Header = ["serial", "code", "plan", "expiry"];

    public static string FileName(CodeSheet sheet) =>
        string.Create(CultureInfo.InvariantCulture, $"voucher-batch-{sheet.BatchNumber}-{sheet.PlanCode}-{sheet.Channel}.csv");

    public static async Task WriteAsync(Stream output, CodeSheet sheet, IAsyncEnumerable<ExportedCode> codes, CancellationToken ct)
    {
        // A byte order mark, so spreadsheet programs on Japanese Windows read the file as UTF-8.
        await using var csv = CsvWriter.Create(output, CsvWriterOptions.Default with { WriteByteOrderMark = true }, leaveOpen: true);
        csv.WriteHeader(Header);
        var expiry = Jst.Format(sheet.ExpiresAt);
        await foreach (var code in codes.WithCancellation(ct))
        {
            await csv.WriteRecordAsync([Voucher.FormatSerial(code.Serial), code.Code.ToString(), sheet.PlanCode, expiry], ct);
        }
        await csv.FlushAsync(ct);
    }
}
