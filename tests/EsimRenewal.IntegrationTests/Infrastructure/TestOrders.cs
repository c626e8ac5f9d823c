using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>Orders in the states the pages and emails show, built through the entities' own rules.</summary>
public static class TestOrders
{
    /// <summary>A renewal of <paramref name="sim"/> paid with <paramref name="method"/> and fulfilled at <paramref name="now"/>.</summary>
    public static Order FulfilledRenewal(Sim sim, PlanVersion plan, string? userId, string email, DateTimeOffset now, string culture = "en", string method = "card")
    {
        var order = Order.ForRenewal(sim, plan, userId, email, culture, "test:" + Guid.NewGuid().ToString("N"), now);
        order.RecordPaymentDetails(method, null);
        order.MarkPaid("pi_" + Guid.NewGuid().ToString("N"), now);
        order.MarkFulfilled(sim.ApplyRenewal(plan, now), now);
        return order;
    }

    /// <summary>A new eSIM bought by <paramref name="userId"/>, paid and fulfilled: the eSIM is theirs.</summary>
    public static (Order Order, Sim Esim) FulfilledNewEsim(PlanVersion plan, string userId, string email, string iccidBody, DateTimeOffset now, string culture = "en")
    {
        var order = Order.ForNewEsim(plan, userId, email, culture, "test:" + Guid.NewGuid().ToString("N"), now);
        order.RecordPaymentDetails("card", null);
        order.MarkPaid("pi_" + Guid.NewGuid().ToString("N"), now);
        var esim = Sim.IssueEsim(Iccid.FromBody(iccidBody), "LPA:1$smdp.example$TEST-" + iccidBody[^6..], email, userId, now);
        order.AttachNewSim(esim);
        order.MarkFulfilled(esim.ApplyRenewal(plan, now), now);
        return (order, esim);
    }
}
