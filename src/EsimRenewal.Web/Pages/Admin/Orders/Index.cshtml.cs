using System.Globalization;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Orders;
using EsimRenewal.Web.Vouchers;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Admin.Orders;

/// <summary>
/// <c>/admin/orders</c>: find orders by number, ICCID, email or phone, state and JST date range (newest
/// first, 50 a page); <c>?handler=csv</c> exports the orders paid in a date range for the accountants.
/// </summary>
public sealed class IndexModel(OrderAdminService orders, IValidator<IndexModel.Filter> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>The search form (GET). Every value is text, parsed by the validator: nothing can fail to bind.</summary>
    [BindProperty(SupportsGet = true, Name = "")]
    public Filter Input { get; set; } = new();

    public OrderPage? Results { get; private set; }

    /// <summary>The state filter's value for every order awaiting payment, at checkout or at a konbini.</summary>
    public const string AwaitingPayment = "awaiting";

    public sealed class Filter
    {
        public string? Q { get; set; }
        public string? State { get; set; }
        public string? From { get; set; }
        public string? To { get; set; }
        public string? After { get; set; }
        public string? Carrier { get; set; }

        /// <summary>A sales channel: only orders made with vouchers sold there.</summary>
        public string? Channel { get; set; }

        public OrderState? StateValue => Enum.TryParse<OrderState>(State, ignoreCase: false, out var s) && Enum.IsDefined(s) ? s : null;
        public DateOnly? FromValue => ParseDate(From);
        public DateOnly? ToValue => ParseDate(To);
        public OrderCursor? AfterValue => OrderCursor.Parse(After);

        public static DateOnly? ParseDate(string? text) =>
            DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
    }

    public sealed class Validator : AbstractValidator<Filter>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Q).Must(q => string.IsNullOrWhiteSpace(q) || OrderQuery.Parse(q) is not null).WithMessage(t["Admin.Orders.QueryInvalid"]);
            RuleFor(x => x.State).Must((f, s) => string.IsNullOrEmpty(s) || s == AwaitingPayment || f.StateValue is not null).WithMessage(t["Admin.Orders.StateInvalid"]);
            RuleFor(x => x.Channel).Must(c => string.IsNullOrEmpty(c) || SalesChannels.IsKnown(c)).WithMessage(t["Admin.Orders.ChannelInvalid"]);
            RuleFor(x => x.From).Must((f, v) => string.IsNullOrEmpty(v) || f.FromValue is not null).WithMessage(t["Admin.Orders.DateInvalid"]);
            RuleFor(x => x.To).Must((f, v) => string.IsNullOrEmpty(v) || f.ToValue is not null).WithMessage(t["Admin.Orders.DateInvalid"]);
            RuleFor(x => x.To).Must((f, _) => f.FromValue is not { } from || f.ToValue is not { } to || from <= to).WithMessage(t["Admin.Orders.RangeInvalid"]);
            RuleFor(x => x.After).Must((f, v) => string.IsNullOrEmpty(v) || f.AfterValue is not null).WithMessage(t["Admin.Orders.QueryInvalid"]);
        }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await IsValidAsync(ct))
        {
            Results = await orders.SearchAsync(new OrderSearch(OrderQuery.Parse(Input.Q), Input.StateValue, Input.FromValue, Input.ToValue,
                Input.AfterValue, Input.Carrier == "failing", AwaitingPayment: Input.State == AwaitingPayment,
                VoucherChannel: string.IsNullOrEmpty(Input.Channel) ? null : Input.Channel), ct);
        }
        return Page();
    }

    /// <summary>The orders paid between From and To (JST, both included) as CSV, with the receipt's tax columns.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (!await IsValidAsync(ct) || Input.FromValue is not { } from || Input.ToValue is not { } to)
        {
            if (ModelState.IsValid)
            {
                ModelState.AddModelError("Input.From", t["Admin.Orders.CsvNeedsRange"]);
            }
            return Page();
        }
        var rows = await orders.ExportPaidAsync(from, to, this.ActorFor(), ct);
        Response.ContentType = OrderExportCsv.ContentType;
        Response.Headers.ContentDisposition = $"attachment; filename=\"{OrderExportCsv.FileName(from, to)}\"";
        await OrderExportCsv.WriteAsync(Response.Body, rows, ct);
        return new EmptyResult();
    }

    /// <summary>The link to the next page: the same filters, older orders.</summary>
    public string NextPageUrl(OrderCursor after) => QueryUrl(("after", after.ToString()));

    public string CsvUrl() => QueryUrl(("handler", "csv"));

    private string QueryUrl((string Key, string Value) extra)
    {
        var query = new Dictionary<string, string?> { ["q"] = Input.Q, ["state"] = Input.State, ["from"] = Input.From, ["to"] = Input.To, ["carrier"] = Input.Carrier, ["channel"] = Input.Channel };
        query[extra.Key] = extra.Value;
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/admin/orders", query.Where(q => !string.IsNullOrEmpty(q.Value)));
    }

    private async Task<bool> IsValidAsync(CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(Input, ct);
        validation.AddTo(ModelState, nameof(Input));
        return validation.IsValid;
    }
}
