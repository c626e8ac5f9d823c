using System.Security.Claims;

namespace EsimRenewal.Web.Infrastructure;

public static class UserExtensions
{
    /// <summary>The signed-in user's id (pages under an authorised folder always have one).</summary>
    public static string Id(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No signed-in user.");
}
