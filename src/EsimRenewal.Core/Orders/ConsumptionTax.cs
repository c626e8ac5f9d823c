using EsimRenewal.Core.Common;

namespace EsimRenewal.Core.Orders;

/// <summary>Japanese consumption tax, included in every price (税込): the standard rate of 10 %.</summary>
public static class ConsumptionTax
{
    public const int RatePercent = 10;

    /// <summary>The tax within a tax-inclusive total, rounded down (内消費税 = floor(total × 10 / 110)).</summary>
    public static Yen IncludedIn(Yen total) => new(total.Amount * RatePercent / (100 + RatePercent));
}
