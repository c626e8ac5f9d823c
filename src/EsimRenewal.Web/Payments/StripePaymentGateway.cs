using System.Runtime.CompilerServices;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Payments;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;
using CheckoutSession = EsimRenewal.Core.Payments.CheckoutSession;

namespace EsimRenewal.Web.Payments;

/// <summary>
/// <see cref="IPaymentGateway"/> over Stripe.net: hosted Checkout Sessions in payment mode, in yen,
/// with the line item built from the order (price_data), the order id in metadata and
/// client_reference_id, and the order's idempotency key.
/// </summary>
internal sealed class StripePaymentGateway(IStripeClient stripe, IOptions<PaymentOptions> payments) : IPaymentGateway
{
    public const string OrderIdKey = "order_id";

    public async Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutRequest request, CancellationToken ct = default)
    {
        var methods = new List<string> { "card", "alipay", "wechat_pay", "paypay" };
        if (payments.Value.EnableKonbini)
        {
            methods.Add("konbini");
        }
        var options = new SessionCreateOptions
        {
            Mode = "payment",
            Currency = Yen.CurrencyCode,
            LineItems =
            [
                new SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = Yen.CurrencyCode,
                        UnitAmount = request.Amount.ToMinorUnits(),
                        ProductData = new SessionLineItemPriceDataProductDataOptions
                        {
                            Name = request.ProductName,
                            Description = request.ProductDescription,
                        },
                    },
                },
            ],
            ClientReferenceId = request.OrderId.ToString(),
            Metadata = new Dictionary<string, string>
            {
                [OrderIdKey] = request.OrderId.ToString(),
                ["order_number"] = request.OrderNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            CustomerEmail = string.IsNullOrEmpty(request.CustomerEmail) ? null : request.CustomerEmail,
            Locale = request.Locale,
            SuccessUrl = request.SuccessUrl,
            CancelUrl = request.CancelUrl,
            AllowedPaymentMethodTypes = methods,
            PaymentMethodOptions = new SessionPaymentMethodOptionsOptions
            {
                WechatPay = new SessionPaymentMethodOptionsWechatPayOptions { Client = "web" },
                Konbini = payments.Value.EnableKonbini
                    ? new SessionPaymentMethodOptionsKonbiniOptions { ExpiresAfterDays = payments.Value.KonbiniExpiresAfterDays }
                    : null,
            },
        };
        var session = await CallAsync(() => new SessionService(stripe).CreateAsync(options, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, ct));
        return ToCheckoutSession(session);
    }

    public async Task<CheckoutSession> GetCheckoutSessionAsync(string sessionId, CancellationToken ct = default) =>
        ToCheckoutSession(await CallAsync(() => new SessionService(stripe).GetAsync(sessionId, new SessionGetOptions { Expand = ["payment_intent.latest_charge"] }, cancellationToken: ct)));

    public async Task<CheckoutSession?> ExpireCheckoutSessionAsync(string sessionId, CancellationToken ct = default)
    {
        try
        {
            return ToCheckoutSession(await CallAsync(() => new SessionService(stripe).ExpireAsync(sessionId, cancellationToken: ct)));
        }
        catch (PaymentProviderException ex) when (ex.Code == "resource_missing")
        {
            return null;
        }
        catch (PaymentProviderException ex) when (ex.InnerException is StripeException { HttpStatusCode: System.Net.HttpStatusCode.BadRequest })
        {
            // Only open sessions can be expired: this one was completed or expired meanwhile.
            return await GetCheckoutSessionAsync(sessionId, ct);
        }
    }

    public async Task<string?> RefundAsync(RefundRequest request, CancellationToken ct = default)
    {
        var options = new RefundCreateOptions
        {
            PaymentIntent = request.PaymentIntentId,
            Amount = request.Amount.ToMinorUnits(),
            Reason = "requested_by_customer",
            Metadata = new Dictionary<string, string>
            {
                [OrderIdKey] = request.OrderId.ToString(),
                ["order_number"] = request.OrderNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        try
        {
            return (await CallAsync(() => new Stripe.RefundService(stripe).CreateAsync(options, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, ct))).Id;
        }
        catch (PaymentProviderException ex) when (ex.Code == "charge_already_refunded")
        {
            return null;
        }
    }

    /// <summary>
    /// Every call to Stripe: a refusal or an unreachable Stripe becomes a <see cref="PaymentProviderException"/>,
    /// which the services turn into a message ("payment is unavailable, nothing was charged"), never a 500.
    /// </summary>
    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StripeException ex)
        {
            throw new PaymentProviderException(ex.StripeError?.Message ?? ex.Message, ex.StripeError?.Code ?? ex.StripeError?.Type, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new PaymentProviderException(ex.Message, "unreachable", ex);
        }
        catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
        {
            throw new PaymentProviderException(ex.Message, "timeout", ex);
        }
    }

    public async IAsyncEnumerable<CheckoutSession> ListCheckoutSessionsAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var options = new SessionListOptions { Limit = 100, Created = new DateRangeOptions { GreaterThanOrEqual = since.UtcDateTime } };
        await foreach (var session in new SessionService(stripe).ListAutoPagingAsync(options, cancellationToken: ct))
        {
            yield return ToCheckoutSession(session);
        }
    }

    internal static CheckoutSession ToCheckoutSession(Session session) => new(
        session.Id,
        session.Metadata is not null && session.Metadata.TryGetValue(OrderIdKey, out var id) && Guid.TryParse(id, out var orderId) ? orderId : null,
        session.Url,
        session.Status switch
        {
            "complete" => CheckoutStatus.Complete,
            "expired" => CheckoutStatus.Expired,
            _ => CheckoutStatus.Open,
        },
        session.PaymentStatus switch
        {
            "paid" => CheckoutPaymentStatus.Paid,
            "no_payment_required" => CheckoutPaymentStatus.NoPaymentRequired,
            _ => CheckoutPaymentStatus.Unpaid,
        },
        Yen.FromMinorUnits(session.AmountTotal ?? 0),
        session.Currency ?? "",
        session.PaymentIntentId,
        Utc(session.Created),
        Utc(session.ExpiresAt),
        session.PaymentIntent?.LatestCharge?.PaymentMethodDetails?.Type,
        session.CustomerDetails?.Email,
        session.PaymentIntent?.NextAction?.KonbiniDisplayDetails is { } konbini ? Utc(konbini.ExpiresAt) : null);

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
