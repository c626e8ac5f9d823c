using EsimRenewal.Core.Orders;
using EsimRenewal.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Pages.Orders;

/// <summary><c>/orders</c>: the traveller's order history.</summary>
public sealed class IndexModel(OrderService orders) : PageModel
{
    public IReadOnlyList<OrderView> Orders { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Orders = await orders.ListForOwnerAsync(User.Id(), ct);
}
