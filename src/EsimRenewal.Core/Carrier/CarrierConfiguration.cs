using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Carrier;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> message)
    {
        message.HasKey(m => m.Id);
        message.Property(m => m.Id).UseIdentityAlwaysColumn();
        message.Property(m => m.Type).HasMaxLength(OutboxMessage.TypeMaxLength);
        message.Property(m => m.Payload).HasColumnType("jsonb");
        message.Property(m => m.LastError).HasMaxLength(OutboxMessage.ErrorMaxLength);
        // The worker's claim query: undelivered messages that are due.
        message.HasIndex(m => m.AvailableAt).HasFilter("delivered_at IS NULL").HasDatabaseName("ix_outbox_messages_pending");
        message.HasIndex(m => m.OrderId);
        message.HasOne<Orders.Order>().WithMany().HasForeignKey(m => m.OrderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SimulatedCarrierCallConfiguration : IEntityTypeConfiguration<SimulatedCarrierCall>
{
    public void Configure(EntityTypeBuilder<SimulatedCarrierCall> call)
    {
        call.HasKey(c => c.Id);
        call.Property(c => c.Id).UseIdentityAlwaysColumn();
        call.Property(c => c.RequestId).HasMaxLength(SimulatedCarrierCall.RequestIdMaxLength);
        call.HasIndex(c => c.RequestId).IsUnique();
        call.Property(c => c.Operation).HasMaxLength(SimulatedCarrierCall.OperationMaxLength);
        call.Property(c => c.Iccid).HasMaxLength(Sims.Iccid.MaxLength);
    }
}
