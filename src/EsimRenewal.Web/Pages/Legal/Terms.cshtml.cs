using EsimRenewal.Web.Legal;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using EsimRenewal.Web.Plans;
using Microsoft.AspNetCore.OutputCaching;

namespace EsimRenewal.Web.Pages.Legal;

/// <summary><c>/legal/terms</c>: the terms of service.</summary>
[CataloguePage]
[OutputCache(PolicyName = CatalogueCache.PolicyName)]
public sealed class TermsModel(IOptions<OperatorOptions> seller) : PageModel
{
    /// <summary>The date of this page's current text: change it together with the text.</summary>
    public DateOnly LastUpdated { get; } = new(2026, 12, 1);

    public OperatorOptions Operator => seller.Value;
}
