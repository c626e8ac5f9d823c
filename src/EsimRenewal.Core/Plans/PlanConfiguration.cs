using EsimRenewal.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Plans;

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> plan)
    {
        plan.HasKey(p => p.Id);
        plan.Property(p => p.Code).HasMaxLength(Plan.CodeMaxLength);
        plan.HasIndex(p => p.Code).IsUnique();
        plan.ComplexProperty(p => p.Name, LocalizedTextMapping.Configure);
        plan.ComplexProperty(p => p.Description, LocalizedTextMapping.Configure);
        plan.HasMany(p => p.Versions).WithOne(v => v.Plan).HasForeignKey(v => v.PlanId);
        plan.Navigation(p => p.Versions).HasField("_versions").UsePropertyAccessMode(PropertyAccessMode.Field);
        plan.Ignore(p => p.CurrentVersion);
    }
}

internal sealed class PlanVersionConfiguration : IEntityTypeConfiguration<PlanVersion>
{
    public void Configure(EntityTypeBuilder<PlanVersion> version)
    {
        version.HasKey(v => v.Id);
        version.HasIndex(v => new { v.PlanId, v.Number }).IsUnique();
        // At most one current version per plan.
        version.HasIndex(v => v.PlanId).IsUnique().HasFilter("is_current").HasDatabaseName("ix_plan_versions_plan_id_current");
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
