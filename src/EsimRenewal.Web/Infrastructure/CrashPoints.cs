using System.Diagnostics;
using EsimRenewal.Core.Carrier;
using EsimRenewal.Core.Payments;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.Web.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>The moments at which a crash-recovery test has the portal killed (docs/decisions/0027).</summary>
public enum CrashPoint
{
    /// <summary>The order row is written (its transaction still open); the Checkout Session does not exist yet.</summary>
    BeforeCheckoutSession,

    /// <summary>Stripe reported a payment by webhook; nothing of it has been handled.</summary>
    WebhookReceived,

    /// <summary>The webhook's effect is committed; its answer is not sent (so Stripe retries it).</summary>
    BeforeWebhookAnswer,

    /// <summary>The carrier took an outbox message; the message is not yet marked delivered.</summary>
    AfterCarrierCall,

    /// <summary>A voucher batch is half made: its first chunk committed, a later one written but not committed.</summary>
    DuringVoucherBatch,
}

/// <summary>
/// The fault-injection switch of the crash-recovery tests: <c>Testing:CrashAt</c> names a <see cref="CrashPoint"/>,
/// and the portal kills itself with SIGKILL (no clean-up, as the OOM killer or a power cut would) the first
/// time it gets there. Each point is one seam around an existing part — a decorator, a middleware, a database
/// interceptor — so the normal path has no trace of it, and without the setting nothing is registered.
/// Outside Development the setting is refused (<see cref="UnsafeSettings"/>).
/// </summary>
public static class CrashPoints
{
    public const string Setting = "Testing:CrashAt";

    /// <summary>What the portal writes to standard output just before it is killed.</summary>
    public static string Announcement(CrashPoint point) => $"CRASH POINT {point}: killing the portal";

    /// <summary>Registers the seam of the configured point, if any. Call last, after every service is added.</summary>
    public static void AddCrashPoint(this WebApplicationBuilder builder)
    {
        if (builder.Configuration[Setting] is not { Length: > 0 } value)
        {
            return;
        }
        if (!Enum.TryParse<CrashPoint>(value, out var point))
        {
            throw new InvalidOperationException($"{Setting}: '{value}' is not one of {string.Join(", ", Enum.GetNames<CrashPoint>())}.");
        }
        var services = builder.Services;
        switch (point)
        {
            case CrashPoint.BeforeCheckoutSession:
                Decorate<IPaymentGateway>(services, inner => new CrashingPaymentGateway(inner));
                break;
            case CrashPoint.WebhookReceived:
            case CrashPoint.BeforeWebhookAnswer:
                services.AddSingleton<IStartupFilter>(new WebhookCrash(point));
                break;
            case CrashPoint.AfterCarrierCall:
                Decorate<ICarrierGateway>(services, inner => new CrashingCarrierGateway(inner));
                break;
            case CrashPoint.DuringVoucherBatch:
                services.ConfigureDbContext<Core.Data.EsimDbContext>(options => options.AddInterceptors(new VoucherBatchCrash()));
                break;
        }
    }

    private static void Crash(CrashPoint point)
    {
        Console.Out.WriteLine(Announcement(point));
        Console.Out.Flush();
        Process.GetCurrentProcess().Kill(); // SIGKILL on Linux
        Thread.Sleep(Timeout.Infinite);
    }

    private static void Decorate<TService>(IServiceCollection services, Func<TService, TService> wrap)
        where TService : class
    {
        var original = services.Last(d => d.ServiceType == typeof(TService));
        services.Remove(original);
        services.Add(ServiceDescriptor.Describe(typeof(TService), provider => wrap((TService)Create(provider, original)), original.Lifetime));
    }

    private static object Create(IServiceProvider provider, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(provider)
        ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!);

    private sealed class CrashingPaymentGateway(IPaymentGateway inner) : IPaymentGateway
    {
        public Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutRequest request, CancellationToken ct = default)
        {
            Crash(CrashPoint.BeforeCheckoutSession);
            return inner.CreateCheckoutSessionAsync(request, ct);
        }

        public Task<CheckoutSession> GetCheckoutSessionAsync(string sessionId, CancellationToken ct = default) => inner.GetCheckoutSessionAsync(sessionId, ct);

        public Task<CheckoutSession?> ExpireCheckoutSessionAsync(string sessionId, CancellationToken ct = default) => inner.ExpireCheckoutSessionAsync(sessionId, ct);

        public Task<string?> RefundAsync(RefundRequest request, CancellationToken ct = default) => inner.RefundAsync(request, ct);

        public IAsyncEnumerable<CheckoutSession> ListCheckoutSessionsAsync(DateTimeOffset since, CancellationToken ct = default) => inner.ListCheckoutSessionsAsync(since, ct);
    }

    private sealed class CrashingCarrierGateway(ICarrierGateway inner) : ICarrierGateway
    {
        public async Task ApplyValidityAsync(SimValidityChanged change, CancellationToken ct = default)
        {
            await inner.ApplyValidityAsync(change, ct);
            Crash(CrashPoint.AfterCarrierCall);
        }
    }

    /// <summary>Kills the portal when a webhook arrives, or once it has been handled and before its answer leaves.</summary>
    private sealed class WebhookCrash(CrashPoint point) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                if (context.Request.Path.StartsWithSegments(StripeWebhookEndpoint.Path) && HttpMethods.IsPost(context.Request.Method))
                {
                    if (point == CrashPoint.WebhookReceived)
                    {
                        Crash(point);
                    }
                    else
                    {
                        context.Response.OnStarting(() =>
                        {
                            if (context.Response.StatusCode == StatusCodes.Status200OK)
                            {
                                Crash(point);
                            }
                            return Task.CompletedTask;
                        });
                    }
                }
                await following(context);
            });
            next(app);
        };
    }

    /// <summary>Kills the portal while it saves a voucher batch chunk other than the first, before that chunk commits.</summary>
    private sealed class VoucherBatchCrash : SaveChangesInterceptor
    {
        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
        {
            var laterChunk = eventData.Context!.ChangeTracker.Entries<VoucherBatch>()
                .Any(e => e.State == EntityState.Modified && e.OriginalValues.GetValue<int>(nameof(VoucherBatch.GeneratedCount)) > 0);
            if (laterChunk)
            {
                Crash(CrashPoint.DuringVoucherBatch);
            }
            return base.SavingChangesAsync(eventData, result, ct);
        }
    }
}
