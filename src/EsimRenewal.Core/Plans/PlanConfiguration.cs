using EsimRenewal.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Plans;

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> plan)
    {
        plan.HasKey(p => p.Id);
        // Ids are made by the entity (Guid v7): a new version added to a loaded plan is then an INSERT, not an UPDATE.
        plan.Property(p => p.Id).ValueGeneratedNever();
        plan.Property(p => p.Version).IsRowVersion();
        plan.Property(p => p.Code).HasMaxLength(Plan.CodeMaxLength);
        plan.HasIndex(p => p.Code).IsUnique();
        plan.ComplexProperty(p => p.Name, LocalizedTextMapping.Configure);
        plan.ComplexProperty(p => p.Description, LocalizedTextMapping.Configure);
        plan.HasMany(p => p.Versions).WithOne(v => v.Plan).HasForeignKey(v => v.PlanId);
        plan.Navigation(p => p.Versions).HasField("_versions").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class PlanVersionConfiguration : IEntityTypeConfiguration<PlanVersion>
{
    public void Configure(EntityTypeBuilder<PlanVersion> version)
    {
        version.HasKey(v => v.Id);
        version.Property(v => v.Id).ValueGeneratedNever();
        version.HasIndex(v => new { v.PlanId, v.Number }).IsUnique();
        // The version on sale is the latest whose effective_from has passed (PlanVersion.OnSaleAt).
        version.HasIndex(v => new { v.PlanId, v.EffectiveFrom });
        version.Property(v => v.Price).HasConversion(y => y.Amount, v => new Yen(v)).HasColumnName("price_yen");
        version.Property(v => v.SimKinds).HasConversion<string>().HasMaxLength(20);
        version.Ignore(v => v.Terms);
        version.Ignore(v => v.IsUnlimited);
        version.ToTable(t =>
        {
            t.HasCheckConstraint("ck_plan_versions_price", "price_yen >= 0");
            t.HasCheckConstraint("ck_plan_versions_days", "validity_days BETWEEN 1 AND 366");
            t.HasCheckConstraint("ck_plan_versions_data", "data_mb IS NULL OR data_mb > 0");
        });
    }
}

internal static class LocalizedTextMapping
{
    public static void Configure(ComplexPropertyBuilder<LocalizedText> text)
    {
        text.Property(t => t.ZhHans).HasMaxLength(LocalizedText.MaxLength);
        text.Property(t => t.Ja).HasMaxLength(LocalizedText.MaxLength);
        text.Property(t => t.En).HasMaxLength(LocalizedText.MaxLength);
    }
}
