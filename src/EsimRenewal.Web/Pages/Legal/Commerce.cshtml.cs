using EsimRenewal.Core.Payments;
using EsimRenewal.Web.Legal;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using EsimRenewal.Web.Plans;
using Microsoft.AspNetCore.OutputCaching;

namespace EsimRenewal.Web.Pages.Legal;

/// <summary>
/// <c>/legal/commerce</c>: 特定商取引法に基づく表記, the seller's disclosure under the Act on Specified
/// Commercial Transactions. The seller comes from the Operator settings; konbini appears only when offered.
/// </summary>
[CataloguePage]
[OutputCache(PolicyName = CatalogueCache.PolicyName)]
public sealed class CommerceModel(IOptions<OperatorOptions> seller, IOptions<PaymentOptions> payments) : PageModel
{
    /// <summary>The date of this page's current text: change it together with the text.</summary>
    public DateOnly LastUpdated { get; } = new(2026, 12, 1);

    public OperatorOptions Operator => seller.Value;

    public PaymentOptions Payments => payments.Value;
}
