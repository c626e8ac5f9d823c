using System.Net;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Plans;

namespace EsimRenewal.IntegrationTests.Resilience;

/// <summary>
/// Two instances behind a load balancer, each with its own output cache: a price an admin changes on one
/// shows on the other's cached pages too, because the change is signalled through PostgreSQL
/// (LISTEN/NOTIFY), not only inside the instance that made it.
/// </summary>
public sealed class TwoInstanceCatalogueCacheTests(TwoCachingInstancesFixture instances) : IClassFixture<TwoCachingInstancesFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => instances.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<(string Price, bool FromCache)> PriceAsync(InstancePortalFactory instance, string url)
    {
        var response = await TwoInstancesFixture.NewClient(instance).GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        return (page.Text(url == "/" ? "[data-plan-code=month] [data-testid=price]" : "[data-testid=price]"), response.Headers.Age is not null);
    }

    private static async Task<string> WaitForAsync(InstancePortalFactory instance, string url, Func<(string Price, bool FromCache), bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var seen = await PriceAsync(instance, url);
            if (until(seen))
            {
                return seen.Price;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{url}: still {seen}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_price_an_admin_changes_on_one_instance_shows_on_the_cached_pages_of_the_other()
    {
        foreach (var url in new[] { "/", "/plans/month" })
        {
            Assert.Equal("¥1,980", await WaitForAsync(instances.B, url, seen => seen.FromCache));
        }
        var admin = await AdminPlanForms.SignInAdminAsync(instances.A, TwoInstancesFixture.NewClient(instances.A));

        var edited = await admin.EditAsync(await instances.Database.PlanIdAsync("month"), new Dictionary<string, string> { ["Input.Price"] = "2480" });

        Assert.True(edited.IsRedirect(), $"{(int)edited.StatusCode}");
        Assert.Equal("¥2,480", (await PriceAsync(instances.A, "/")).Price); // at once where the change was made
        foreach (var url in new[] { "/", "/plans/month" })
        {
            Assert.Equal("¥2,480", await WaitForAsync(instances.B, url, seen => seen.Price == "¥2,480"));
        }
    }
}
