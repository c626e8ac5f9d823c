using EsimRenewal.Core.Orders;
using EsimRenewal.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Pages.Orders;

/// <summary><c>/orders?page=N</c>: the traveller's order history, newest first, a page at a time.</summary>
public sealed class IndexModel(OrderService orders) : PageModel
{
    public OrderHistoryPage History { get; private set; } = new([], 1, false);

    /// <summary>A page that is not a number, or lies past the last one, does not exist (404).</summary>
    public async Task<IActionResult> OnGetAsync([FromQuery] string? page, CancellationToken ct)
    {
        if (Pager.Parse(page) is not { } number)
        {
            return NotFound();
        }
        History = await orders.ListForOwnerAsync(User.Id(), number, ct);
        return History.Orders.Count == 0 && number > 1 ? NotFound() : Page();
    }

    public static string PageLink(int page) => page == 1 ? "/orders" : $"/orders?page={page}";
}
