using EsimRenewal.Web.Legal;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using EsimRenewal.Web.Plans;
using Microsoft.AspNetCore.OutputCaching;

namespace EsimRenewal.Web.Pages.Legal;

/// <summary><c>/legal/privacy</c>: the privacy policy under Japan's APPI (個人情報保護法).</summary>
[CataloguePage]
[OutputCache(PolicyName = CatalogueCache.PolicyName)]
public sealed class PrivacyModel(IOptions<OperatorOptions> seller) : PageModel
{
    /// <summary>The date of this page's current text: change it together with the text.</summary>
    public DateOnly LastUpdated { get; } = new(2026, 12, 1);

    public OperatorOptions Operator => seller.Value;
}
