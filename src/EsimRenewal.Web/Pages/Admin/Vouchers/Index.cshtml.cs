using System.Globalization;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Vouchers;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Admin.Vouchers;

/// <summary><c>/admin/vouchers</c>: the batches with their counts per state, and the form to generate a new one.</summary>
public sealed class IndexModel(VoucherBatchService batches, IValidator<IndexModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public IReadOnlyList<BatchSummary> Batches { get; private set; } = [];

    public IReadOnlyList<PlanChoice> Plans { get; private set; } = [];

    public sealed class InputModel
    {
        public Guid? PlanVersionId { get; set; }
        public string? Channel { get; set; }

        /// <summary>Text, parsed by the validator, so a bad value gets a localised message.</summary>
        public string? Quantity { get; set; }

        /// <summary>yyyy-MM-dd (an HTML date input); the vouchers are valid until 23:59:59 JST that day.</summary>
        public string? ExpiresOn { get; set; }

        // Methods, not properties: model validation reads every property, also of a form that did not validate.
        public int QuantityValue() => int.Parse(Quantity!, NumberStyles.None, CultureInfo.InvariantCulture);

        public DateOnly ExpiresOnValue() => DateOnly.ParseExact(ExpiresOn!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t, TimeProvider clock)
        {
            RuleFor(x => x.PlanVersionId).NotNull().WithMessage(t["Admin.Vouchers.PlanRequired"]);
            RuleFor(x => x.Channel).Must(SalesChannels.IsKnown).WithMessage(t["Admin.Vouchers.ChannelRequired"]);
            RuleFor(x => x.Quantity)
                .Must(q => int.TryParse(q, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= VoucherBatch.MaxQuantity)
                .WithMessage(t["Admin.Vouchers.QuantityRange", VoucherBatch.MaxQuantity.ToString("#,0", CultureInfo.InvariantCulture)]);
            RuleFor(x => x.ExpiresOn)
                .Must(d => DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    && Jst.EndOfDay(date) > clock.GetUtcNow()
                    && date <= Jst.DateOf(clock.GetUtcNow()).AddYears(5))
                .WithMessage(t["Admin.Vouchers.ExpiryInvalid"]);
        }
    }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(Input);
        if (!validation.IsValid)
        {
            validation.AddTo(ModelState, nameof(Input));
            await LoadAsync(ct);
            return Page();
        }
        var request = new NewVoucherBatch(Input.PlanVersionId!.Value, Input.Channel!, Input.QuantityValue(), Input.ExpiresOnValue());
        var result = await batches.CreateAsync(request, this.ActorFor(), ct);
        if (!result.Succeeded)
        {
            ModelState.AddModelError(
                result.Refusal == BatchRefusal.PlanNotAvailable ? "Input.PlanVersionId" : "Input.ExpiresOn",
                result.Refusal == BatchRefusal.PlanNotAvailable ? t["Admin.Vouchers.PlanRequired"] : t["Admin.Vouchers.ExpiryInvalid"]);
            await LoadAsync(ct);
            return Page();
        }
        TempData["StatusMessage"] = t["Admin.Vouchers.Generating"].Value;
        return RedirectToPage("/Admin/Vouchers/Details", new { id = result.BatchId });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Plans = await batches.PlanChoicesAsync(ct);
        Batches = await batches.ListAsync(ct: ct);
    }
}
