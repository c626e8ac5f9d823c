using EsimRenewal.Core.Common;
using EsimRenewal.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Orders;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> order)
    {
        order.HasKey(o => o.Id);
        order.Property(o => o.Number).UseIdentityAlwaysColumn();
        order.HasIndex(o => o.Number).IsUnique();
        order.Property(o => o.Kind).HasConversion<string>().HasMaxLength(20);
        order.Property(o => o.State).HasConversion<string>().HasMaxLength(30);
        order.Property(o => o.Amount).HasConversion(y => y.Amount, v => new Yen(v)).HasColumnName("amount_yen");
        order.Property(o => o.Email).HasMaxLength(Order.EmailMaxLength);
        order.Property(o => o.Culture).HasMaxLength(Order.CultureMaxLength);
        order.Property(o => o.IdempotencyKey).HasMaxLength(Order.IdempotencyKeyMaxLength);
        order.HasIndex(o => o.IdempotencyKey).IsUnique();
        order.Property(o => o.CheckoutSessionId).HasMaxLength(Order.StripeIdMaxLength);
        order.HasIndex(o => o.CheckoutSessionId).IsUnique();
        order.Property(o => o.CheckoutUrl).HasMaxLength(Order.CheckoutUrlMaxLength);
        order.Property(o => o.PaymentIntentId).HasMaxLength(Order.StripeIdMaxLength);
        order.Property(o => o.PaymentMethod).HasMaxLength(Order.PaymentMethodMaxLength);
        order.Property(o => o.RefundReason).HasMaxLength(Order.RefundReasonMaxLength);
        order.Property(o => o.RefundRequestedById).HasMaxLength(450);
        order.Property(o => o.RefundId).HasMaxLength(Order.StripeIdMaxLength);
        // Admin search: by the buyer's email, and newest first over a date range.
        order.HasIndex(o => o.Email);
        order.HasIndex(o => o.CreatedAt);
        order.Ignore(o => o.RefundRefusal);
        order.HasIndex(o => o.PaymentIntentId);
        order.HasIndex(o => new { o.State, o.CreatedAt });
        order.HasIndex(o => new { o.UserId, o.CreatedAt });
        order.HasIndex(o => o.SimId);
        order.HasOne<ApplicationUser>().WithMany().HasForeignKey(o => o.UserId).OnDelete(DeleteBehavior.SetNull);
        order.HasOne(o => o.Sim).WithMany().HasForeignKey(o => o.SimId).OnDelete(DeleteBehavior.Restrict);
        order.HasOne(o => o.PlanVersion).WithMany().HasForeignKey(o => o.PlanVersionId).OnDelete(DeleteBehavior.Restrict);
        order.Property(o => o.Version).IsRowVersion();
        order.Ignore(o => o.IsAwaitingPayment);
        order.ToTable(t => t.HasCheckConstraint("ck_orders_amount", "amount_yen >= 0"));
    }
}
