using EsimRenewal.Core.Sims;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Sims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Pages.Sims;

/// <summary>
/// <c>/sims/{id}</c>: one SIM with its validity, data and renewals, and for an eSIM its activation
/// code and QR (<c>?handler=qr</c>). The owner's only: anyone else gets 404. Never cached.
/// </summary>
public sealed class DetailsModel(SimService sims, TimeProvider clock) : PageModel
{
    public SimDetail Sim { get; private set; } = null!;

    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (await sims.GetForOwnerAsync(User.Id(), id, ct) is not { } sim)
        {
            return NotFound();
        }
        Sim = sim;
        Now = clock.GetUtcNow();
        return Page();
    }

    /// <summary>The activation QR code as SVG; it is the eSIM itself, so it is never cached or shown to anyone else.</summary>
    public async Task<IActionResult> OnGetQrAsync(Guid id, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        return await sims.GetActivationCodeAsync(User.Id(), id, ct) is { } code
            ? Content(ActivationQr.Svg(code), ActivationQr.SvgMediaType)
            : NotFound();
    }
}
