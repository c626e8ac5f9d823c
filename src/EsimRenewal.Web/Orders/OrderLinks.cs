using System.Security.Cryptography;
using EsimRenewal.Web.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Orders;

/// <summary>
/// Signed links to one order's page, for buyers without an account (quick renewal): the receipt email
/// and the return from checkout carry one. The token is the order id protected with the portal's Data
/// Protection keys (kept in PostgreSQL, shared by every instance); it does not expire, because a
/// receipt must stay reachable for years, and it opens that one order only.
/// </summary>
public sealed class OrderLinks(IDataProtectionProvider dataProtection, IOptions<SiteOptions> site)
{
    public const string QueryName = "access";
    private readonly IDataProtector _protector = dataProtection.CreateProtector("EsimRenewal.Orders.Link.v1");

    public string Token(Guid orderId) => _protector.Protect(orderId.ToString("N"));

    public bool Grants(string? token, Guid orderId)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1_000)
        {
            return false;
        }
        try
        {
            return _protector.Unprotect(token) == orderId.ToString("N");
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The order page's path with its signed token.</summary>
    public string PathTo(Guid orderId) => $"/orders/{orderId}?{QueryName}={Uri.EscapeDataString(Token(orderId))}";

    /// <summary>The absolute link, for emails.</summary>
    public string LinkTo(Guid orderId) => site.Value.Link(PathTo(orderId));
}
