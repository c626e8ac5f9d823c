using EsimRenewal.Core.Identity;
using EsimRenewal.Web.Accounts;

namespace EsimRenewal.UnitTests.Accounts;

public sealed class LandingTests
{
    [Theory]
    [InlineData("/admin", Roles.Admin)]
    [InlineData("/admin", Roles.Staff, Roles.Admin)]
    [InlineData("/admin", Roles.Traveller, Roles.Admin)]
    [InlineData("/staff/redeem", Roles.Staff)]
    [InlineData("/staff/redeem", Roles.Traveller, Roles.Staff)]
    [InlineData("/sims", Roles.Traveller)]
    [InlineData("/sims")]
    public void Each_account_lands_where_its_highest_role_works(string landing, params string[] roles)
    {
        Assert.Equal(landing, Landing.For(roles));
    }
}
