using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Payments;

internal sealed class ProcessedStripeEventConfiguration : IEntityTypeConfiguration<ProcessedStripeEvent>
{
    public void Configure(EntityTypeBuilder<ProcessedStripeEvent> e)
    {
        e.HasKey(x => x.EventId);
        e.Property(x => x.EventId).HasMaxLength(ProcessedStripeEvent.IdMaxLength);
        e.Property(x => x.Type).HasMaxLength(ProcessedStripeEvent.TypeMaxLength);
        e.HasIndex(x => new { x.OrderId, x.ProcessedAt });
        e.HasOne<Orders.Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
    }
}
