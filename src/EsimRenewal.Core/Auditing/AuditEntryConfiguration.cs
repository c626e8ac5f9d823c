using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Auditing;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> entry)
    {
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Id).UseIdentityAlwaysColumn();
        entry.Property(e => e.ActorId).HasMaxLength(450);
        entry.Property(e => e.ActorName).HasMaxLength(AuditEntry.ActorMaxLength);
        entry.Property(e => e.Action).HasMaxLength(AuditEntry.ActionMaxLength);
        entry.Property(e => e.EntityType).HasMaxLength(AuditEntry.EntityTypeMaxLength);
        entry.Property(e => e.EntityId).HasMaxLength(AuditEntry.EntityIdMaxLength);
        entry.Property(e => e.Ip).HasMaxLength(AuditEntry.IpMaxLength);
        entry.Property(e => e.Before).HasColumnType("jsonb");
        entry.Property(e => e.After).HasColumnType("jsonb");
        entry.HasIndex(e => e.At);
        entry.HasIndex(e => new { e.EntityType, e.EntityId });
        entry.HasIndex(e => e.ActorId);
        // The audit page's filters: by actor name (an email or a mobile number) and by action prefix (LIKE 'user.%').
        entry.HasIndex(e => e.ActorName);
        entry.HasIndex(e => e.Action).HasOperators("varchar_pattern_ops");
    }
}
