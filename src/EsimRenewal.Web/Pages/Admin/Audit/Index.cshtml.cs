using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using EsimRenewal.Core.Auditing;
using EsimRenewal.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Admin.Audit;

/// <summary>
/// <c>/admin/audit?actor=…&amp;action=…&amp;from=…&amp;to=…&amp;entity=…&amp;page=…</c>: every staff and admin
/// action, newest first: who, what, when (JST), from where, on what, before and after.
/// </summary>
public sealed partial class IndexModel(AuditTrail trail, IValidator<IndexModel.InputModel> validator) : PageModel
{
    private const string DateFormat = "yyyy-MM-dd";

    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public InputModel Input { get; private set; } = new();

    public AuditPage? Results { get; private set; }

    /// <summary>The filters, from the query string; text, so a bad value gets a message.</summary>
    public sealed class InputModel
    {
        /// <summary>An account id, email address or mobile number.</summary>
        public string? Actor { get; set; }

        /// <summary>The start of an action name (<c>user.</c>, <c>account.sign-in</c>).</summary>
        public string? Action { get; set; }

        /// <summary>JST calendar days (yyyy-MM-dd), both included.</summary>
        public string? From { get; set; }
        public string? To { get; set; }

        /// <summary>The id of what the entries are about (an account, a batch).</summary>
        public string? Entity { get; set; }
        public string? Page { get; set; }

        public DateOnly? FromDate => ParseDate(From);
        public DateOnly? ToDate => ParseDate(To);
        public int PageNumber => Pager.Parse(Page) ?? 1;
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Actor).MaximumLength(AuditEntry.ActorMaxLength).WithMessage(t["Admin.Audit.ActorInvalid"])
                .PlainText().WithMessage(t["Form.ControlCharacters"]);
            RuleFor(x => x.Action).Must(a => string.IsNullOrEmpty(a) || (a.Length <= AuditEntry.ActionMaxLength && ActionPattern().IsMatch(a)))
                .WithMessage(t["Admin.Audit.ActionInvalid"]);
            RuleFor(x => x.From).Must(d => string.IsNullOrEmpty(d) || ParseDate(d) is not null).WithMessage(t["Admin.Audit.DateInvalid"]);
            RuleFor(x => x.To).Must(d => string.IsNullOrEmpty(d) || ParseDate(d) is not null).WithMessage(t["Admin.Audit.DateInvalid"]);
            RuleFor(x => x).Must(x => x.FromDate is not { } from || x.ToDate is not { } to || from <= to)
                .OverridePropertyName(nameof(InputModel.To)).WithMessage(t["Admin.Audit.DateOrder"]);
            RuleFor(x => x.Entity).MaximumLength(AuditEntry.EntityIdMaxLength).WithMessage(t["Admin.Audit.EntityInvalid"]);
            RuleFor(x => x.Page)
                .Must(p => Pager.Parse(p) is not null)
                .WithMessage(t["Admin.Users.PageInvalid"]);
        }
    }

    [GeneratedRegex("^[a-z0-9.-]+$")]
    private static partial Regex ActionPattern();

    public async Task<IActionResult> OnGetAsync([FromQuery] InputModel input, CancellationToken ct)
    {
        Input = input;
        var validation = await validator.ValidateAsync(input, ct);
        if (!validation.IsValid)
        {
            validation.AddToSummary(ModelState);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Results = await trail.SearchAsync(new AuditSearch(input.Actor, input.Action, input.FromDate, input.ToDate, input.Entity, input.PageNumber), ct);
        return Page();
    }

    /// <summary>The link to another page with the same filters.</summary>
    public string PageLink(int page)
    {
        var query = new Dictionary<string, string?>();
        foreach (var (name, value) in new[] { ("actor", Input.Actor), ("action", Input.Action), ("from", Input.From), ("to", Input.To), ("entity", Input.Entity) })
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query[name] = value;
            }
        }
        query["page"] = page.ToString(CultureInfo.InvariantCulture);
        return QueryHelpers.AddQueryString("/admin/audit", query);
    }

    /// <summary>A snapshot indented for reading (Razor encodes it when it is written into the page).</summary>
    public static string PrettyJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, Pretty);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year is >= 2000 and <= 2999 ? date : null;
}
