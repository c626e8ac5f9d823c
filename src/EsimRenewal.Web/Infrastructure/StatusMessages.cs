using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>
/// The message shown at the top of the next page (after a redirect): a success by default, or a notice
/// when what was asked could not be done (the payment service is unreachable, too many open checkouts),
/// which the layout draws in the warning colours instead of with a tick.
/// </summary>
public static class StatusMessages
{
    private const string Key = "StatusMessage";
    public const string NoticeKey = "StatusNotice";

    public static void Notice(this PageModel page, string message)
    {
        page.TempData[Key] = message;
        page.TempData[NoticeKey] = true;
    }
}
