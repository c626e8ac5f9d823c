using System.Globalization;
using EsimRenewal.Core.Identity;
using EsimRenewal.Web.Accounts;
using EsimRenewal.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Admin.Users;

/// <summary><c>/admin/users?q=…&amp;role=…&amp;page=…</c>: find accounts by email, mobile number or id, newest first.</summary>
public sealed class IndexModel(UserAdminService accounts, IValidator<IndexModel.InputModel> validator, TimeProvider clock) : PageModel
{
    public InputModel Input { get; private set; } = new();

    public UserPage? Results { get; private set; }

    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    /// <summary>The search, from the query string (<c>q</c>, <c>role</c>, <c>page</c>); text, so bad values get a message.</summary>
    public sealed class InputModel
    {
        public string? Q { get; set; }
        public string? Role { get; set; }
        public string? Page { get; set; }

        public int PageNumber => Pager.Parse(Page) ?? 1;
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Q).MaximumLength(SignInIdentifier.EmailMaxLength).WithMessage(t["Admin.Users.QueryTooLong", SignInIdentifier.EmailMaxLength])
                .PlainText().WithMessage(t["Form.ControlCharacters"]);
            RuleFor(x => x.Role).Must(r => string.IsNullOrEmpty(r) || Roles.All.Contains(r)).WithMessage(t["Admin.Users.RoleUnknown"]);
            RuleFor(x => x.Page)
                .Must(p => Pager.Parse(p) is not null)
                .WithMessage(t["Admin.Users.PageInvalid"]);
        }
    }

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
        Results = await accounts.SearchAsync(input.Q, input.Role, input.PageNumber, ct);
        return Page();
    }

    /// <summary>The link to another page of the same search.</summary>
    public string PageLink(int page)
    {
        var query = new Dictionary<string, string?>();
        if (!string.IsNullOrWhiteSpace(Input.Q))
        {
            query["q"] = Input.Q;
        }
        if (!string.IsNullOrEmpty(Input.Role))
        {
            query["role"] = Input.Role;
        }
        query["page"] = page.ToString(CultureInfo.InvariantCulture);
        return QueryHelpers.AddQueryString("/admin/users", query);
    }
}
