using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Sims;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Vouchers;

internal sealed class VoucherBatchConfiguration : IEntityTypeConfiguration<VoucherBatch>
{
    public void Configure(EntityTypeBuilder<VoucherBatch> batch)
    {
        batch.HasKey(b => b.Id);
        batch.Property(b => b.Number).UseIdentityAlwaysColumn();
        batch.HasIndex(b => b.Number).IsUnique();
        batch.Property(b => b.Channel).HasMaxLength(VoucherBatch.ChannelMaxLength);
        batch.Property(b => b.State).HasConversion<string>().HasMaxLength(20);
        batch.Property(b => b.CreatedById).HasMaxLength(450);
        batch.HasOne(b => b.PlanVersion).WithMany().HasForeignKey(b => b.PlanVersionId).OnDelete(DeleteBehavior.Restrict);
        batch.HasOne<ApplicationUser>().WithMany().HasForeignKey(b => b.CreatedById).OnDelete(DeleteBehavior.Restrict);
        batch.ToTable(t =>
        {
            t.HasCheckConstraint("ck_voucher_batches_quantity", "quantity BETWEEN 1 AND 100000");
            t.HasCheckConstraint("ck_voucher_batches_generated", "generated_count BETWEEN 0 AND quantity");
        });
        batch.Ignore(b => b.IsGenerated);
    }
}

internal sealed class VoucherConfiguration : IEntityTypeConfiguration<Voucher>
{
    public void Configure(EntityTypeBuilder<Voucher> voucher)
    {
        voucher.HasKey(v => v.Id);
        voucher.HasIndex(v => v.Serial).IsUnique();
        voucher.Property(v => v.CodeHash).HasMaxLength(Voucher.HashLength);
        voucher.HasIndex(v => v.CodeHash).IsUnique();
        voucher.Property(v => v.Last4).HasMaxLength(Voucher.Last4Length).IsFixedLength();
        voucher.Property(v => v.State).HasConversion<string>().HasMaxLength(20);
        voucher.HasIndex(v => new { v.BatchId, v.State });
        voucher.HasOne(v => v.Batch).WithMany().HasForeignKey(v => v.BatchId).OnDelete(DeleteBehavior.Restrict);
        voucher.Property(v => v.Version).IsRowVersion();
    }
}

internal sealed class VoucherRedemptionConfiguration : IEntityTypeConfiguration<VoucherRedemption>
{
    public void Configure(EntityTypeBuilder<VoucherRedemption> redemption)
    {
        redemption.HasKey(r => r.Id);
        // A voucher is redeemed at most once: guaranteed here, by the database.
        redemption.HasIndex(r => r.VoucherId).IsUnique();
        redemption.HasIndex(r => r.SimId);
        redemption.HasIndex(r => r.RedeemedAt);
        redemption.Property(r => r.Channel).HasConversion<string>().HasMaxLength(20);
        redemption.Property(r => r.Ip).HasMaxLength(VoucherRedemption.IpMaxLength);
        redemption.Property(r => r.RedeemedById).HasMaxLength(450);
        redemption.HasOne<Voucher>().WithMany().HasForeignKey(r => r.VoucherId).OnDelete(DeleteBehavior.Restrict);
        redemption.HasOne<Sim>().WithMany().HasForeignKey(r => r.SimId).OnDelete(DeleteBehavior.Restrict);
        redemption.HasOne<Order>().WithMany().HasForeignKey(r => r.OrderId).OnDelete(DeleteBehavior.Restrict);
        redemption.HasIndex(r => r.OrderId).IsUnique();
        redemption.HasOne<ApplicationUser>().WithMany().HasForeignKey(r => r.RedeemedById).OnDelete(DeleteBehavior.SetNull);
    }
}
