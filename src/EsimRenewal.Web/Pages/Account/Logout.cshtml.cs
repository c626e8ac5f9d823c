using EsimRenewal.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Pages.Account;

/// <summary><c>/account/logout</c>: the header's "Sign out" link asks once, the button signs out.</summary>
public sealed class LogoutModel(AccountService accounts) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await accounts.SignOutAsync();
        return Redirect("/");
    }
}
