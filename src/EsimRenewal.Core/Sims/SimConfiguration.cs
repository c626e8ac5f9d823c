using EsimRenewal.Core.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Sims;

internal sealed class SimConfiguration : IEntityTypeConfiguration<Sim>
{
    public void Configure(EntityTypeBuilder<Sim> sim)
    {
        sim.HasKey(s => s.Id);
        sim.Property(s => s.Iccid).HasMaxLength(Sims.Iccid.MaxLength);
        sim.HasIndex(s => s.Iccid).IsUnique();
        sim.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        sim.Property(s => s.PinHash).HasMaxLength(Sim.PinHashMaxLength);
        sim.Property(s => s.ActivationCode).HasMaxLength(Sim.ActivationCodeMaxLength);
        sim.Property(s => s.PurchaseEmail).HasMaxLength(Sim.EmailMaxLength);
        sim.Property(s => s.Label).HasMaxLength(Sim.LabelMaxLength);
        sim.HasIndex(s => s.OwnerId);
        sim.HasIndex(s => s.ExpiresAt);
        sim.HasOne<ApplicationUser>().WithMany().HasForeignKey(s => s.OwnerId).OnDelete(DeleteBehavior.SetNull);
        sim.HasOne(s => s.CurrentPlanVersion).WithMany().HasForeignKey(s => s.CurrentPlanVersionId).OnDelete(DeleteBehavior.Restrict);
        sim.Property(s => s.Version).IsRowVersion();
        sim.ToTable(t => t.HasCheckConstraint("ck_sims_data_left", "data_left_mb IS NULL OR data_left_mb >= 0"));
    }
}
