using EsimRenewal.Core.Payments;
using EsimRenewal.Web.Legal;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using EsimRenewal.Web.Plans;
using Microsoft.AspNetCore.OutputCaching;

namespace EsimRenewal.Web.Pages.Legal;

/// <summary><c>/legal/refunds</c>: when an order can be cancelled and refunded (the 返品特約 of the commerce page).</summary>
[CataloguePage]
[OutputCache(PolicyName = CatalogueCache.PolicyName)]
public sealed class RefundsModel(IOptions<OperatorOptions> seller, IOptions<PaymentOptions> payments) : PageModel
{
    /// <summary>Days after payment in which an unused purchase is refunded in full.</summary>
    public const int RefundWindowDays = 7;

    /// <summary>The date of this page's current text: change it together with the text.</summary>
    public DateOnly LastUpdated { get; } = new(2026, 12, 1);

    public OperatorOptions Operator => seller.Value;

    public PaymentOptions Payments => payments.Value;
}
