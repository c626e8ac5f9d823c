using EsimRenewal.Core.Sims;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Reminders;

internal sealed class ReminderLogConfiguration : IEntityTypeConfiguration<ReminderLog>
{
    public void Configure(EntityTypeBuilder<ReminderLog> log)
    {
        log.HasKey(r => r.Id);
        log.Property(r => r.Id).UseIdentityAlwaysColumn();
        log.Property(r => r.Kind).HasConversion<string>().HasMaxLength(30);
        // Exactly one reminder per SIM per expiry per kind.
        log.HasIndex(r => new { r.SimId, r.ExpiresAt, r.Kind }).IsUnique();
        log.HasOne<Sim>().WithMany().HasForeignKey(r => r.SimId).OnDelete(DeleteBehavior.Cascade);
    }
}
