using System.Net.Http.Headers;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Vouchers;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Admin.Vouchers;

/// <summary>
/// <c>/admin/vouchers/{id}</c>: a batch's generation progress and counts; download its codes once;
/// activate it when it ships; void it or single vouchers.
/// </summary>
public sealed class DetailsModel(VoucherBatchService batches, IValidator<DetailsModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public BatchSummary Batch { get; private set; } = null!;

    public sealed class InputModel
    {
        /// <summary>The serial of a single voucher to void.</summary>
        public string? Serial { get; set; }
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Serial)
                .Must(s => Voucher.TryParseSerial(s, out _)).WithMessage(t["Admin.Vouchers.SerialInvalid"]);
        }
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    /// <summary>Streams the code sheet (CSV) and marks the codes released; a second request is refused.</summary>
    public async Task<IActionResult> OnPostDownloadAsync(Guid id, CancellationToken ct)
    {
        var result = await batches.ReleaseCodesAsync(id, this.ActorFor(), async (sheet, codes) =>
        {
            Response.ContentType = VoucherCodeSheetCsv.ContentType;
            Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = VoucherCodeSheetCsv.FileName(sheet) }.ToString();
            Response.Headers.CacheControl = "no-store";
            await VoucherCodeSheetCsv.WriteAsync(Response.Body, sheet, codes, ct);
        }, ct);
        return result.Succeeded ? new EmptyResult() : await RefusedAsync(id, result.Refusal!.Value, ct);
    }

    public async Task<IActionResult> OnPostActivateAsync(Guid id, CancellationToken ct)
    {
        var result = await batches.ActivateAsync(id, this.ActorFor(), ct);
        return result.Succeeded ? Done(id, t["Admin.Vouchers.Activated", result.Affected]) : await RefusedAsync(id, result.Refusal!.Value, ct);
    }

    public async Task<IActionResult> OnPostVoidAsync(Guid id, CancellationToken ct)
    {
        var result = await batches.VoidAsync(id, this.ActorFor(), ct);
        return result.Succeeded ? Done(id, t["Admin.Vouchers.Voided", result.Affected]) : await RefusedAsync(id, result.Refusal!.Value, ct);
    }

    public async Task<IActionResult> OnPostVoidVoucherAsync(Guid id, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(Input);
        if (!validation.IsValid)
        {
            validation.AddTo(ModelState, nameof(Input));
            return await LoadAsync(id, ct) ? Page() : NotFound();
        }
        Voucher.TryParseSerial(Input.Serial, out var serial);
        var result = await batches.VoidVoucherAsync(serial, this.ActorFor(), ct);
        // A serial of another batch is voided all the same; the page then shows the batch it belongs to.
        return result.Succeeded
            ? Done(result.BatchId!.Value, t["Admin.Vouchers.VoucherVoided", Voucher.FormatSerial(serial)])
            : await RefusedAsync(id, result.Refusal!.Value, ct);
    }

    private RedirectToPageResult Done(Guid id, string message)
    {
        TempData["StatusMessage"] = message;
        return RedirectToPage(new { id });
    }

    /// <summary>A refused action changes nothing: the page again, with the reason, as 409 Conflict.</summary>
    private async Task<IActionResult> RefusedAsync(Guid id, BatchRefusal refusal, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        ModelState.AddModelError(refusal is BatchRefusal.NotFound or BatchRefusal.VoucherAlreadyRedeemed or BatchRefusal.VoucherAlreadyVoid ? "Input.Serial" : string.Empty, Message(refusal));
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private string Message(BatchRefusal refusal) => refusal switch
    {
        BatchRefusal.NotFound => t["Admin.Vouchers.Refused.NotFound"],
        BatchRefusal.StillGenerating => t["Admin.Vouchers.Refused.StillGenerating"],
        BatchRefusal.AlreadyActive => t["Admin.Vouchers.Refused.AlreadyActive"],
        BatchRefusal.AlreadyVoid => t["Admin.Vouchers.Refused.AlreadyVoid"],
        BatchRefusal.CodesAlreadyReleased => t["Admin.Vouchers.Refused.CodesAlreadyReleased"],
        BatchRefusal.VoucherAlreadyRedeemed => t["Admin.Vouchers.Refused.VoucherAlreadyRedeemed"],
        BatchRefusal.VoucherAlreadyVoid => t["Admin.Vouchers.Refused.VoucherAlreadyVoid"],
        _ => t["Admin.Vouchers.Refused.NotFound"],
    };

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await batches.GetAsync(id, ct) is not { } batch)
        {
            return false;
        }
        Batch = batch;
        return true;
    }
}
