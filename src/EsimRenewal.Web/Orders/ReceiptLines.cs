using System.Globalization;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Orders;
using EsimRenewal.Web.Infrastructure.Localization;
using EsimRenewal.Web.Legal;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Orders;

/// <summary>
/// The lines of a receipt (領収書) that is also a simplified qualified invoice (適格簡易請求書): seller
/// and registration number, date, what was sold as it was sold, the total with the consumption tax in
/// it, how it was paid, and the buyer. One list for the order page and the receipt email.
/// </summary>
public static class ReceiptLines
{
    public static IReadOnlyList<(string Label, string Value)> For(IStringLocalizer t, OrderView order, OperatorOptions seller)
    {
        var culture = CultureInfo.CurrentUICulture;
        return
        [
            (t["Receipt.Number"], Number(order)),
            (t["Receipt.Date"], Jst.Format(order.PaidAt ?? order.CreatedAt)),
            (t["Receipt.Buyer"], string.IsNullOrEmpty(order.Email) ? "—" : order.Email),
            (t["Receipt.Item"], $"{order.PlanName.For(culture)} · {Display.Days(t, order.ValidityDays)} · {Display.Data(t, order.DataMb, order.DailyFairUseMb)}"),
            (t["Receipt.Total"], t["Receipt.TotalValue", order.Amount.ToString()]),
            (t["Receipt.Tax", ConsumptionTax.RatePercent], order.IncludedTax.ToString()),
            (t["Receipt.PaymentMethod"], Display.PaymentMethod(t, order.PaymentMethod)),
            (t["Receipt.Seller"], seller.Name),
            (t["Receipt.SellerAddress"], seller.Address),
            (t["Receipt.RegistrationNumber"], seller.InvoiceRegistrationNumber),
        ];
    }

    public static string Number(OrderView order) => order.Number.ToString("D8", CultureInfo.InvariantCulture);
}
