using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Carrier;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Payments;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Reminders;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Throttling;
using EsimRenewal.Core.Vouchers;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.Core.Data;

public sealed class EsimDbContext(DbContextOptions<EsimDbContext> options)
    : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<PlanVersion> PlanVersions => Set<PlanVersion>();
    public DbSet<Sim> Sims => Set<Sim>();
    public DbSet<OneTimeCode> OneTimeCodes => Set<OneTimeCode>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<ProcessedStripeEvent> ProcessedStripeEvents => Set<ProcessedStripeEvent>();
    public DbSet<VoucherBatch> VoucherBatches => Set<VoucherBatch>();
    public DbSet<Voucher> Vouchers => Set<Voucher>();
    public DbSet<VoucherRedemption> VoucherRedemptions => Set<VoucherRedemption>();
    public DbSet<AttemptCounter> AttemptCounters => Set<AttemptCounter>();
    public DbSet<SpentChallenge> SpentChallenges => Set<SpentChallenge>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<SimulatedCarrierCall> SimulatedCarrierCalls => Set<SimulatedCarrierCall>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ReminderLog> ReminderLogs => Set<ReminderLog>();
    public DbSet<OutgoingEmail> OutgoingEmails => Set<OutgoingEmail>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Identity names its tables AspNet*; keep the whole schema snake_case.
        builder.Entity<ApplicationUser>().ToTable("users");
        builder.Entity<IdentityRole>().ToTable("roles");
        builder.Entity<IdentityUserRole<string>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("user_tokens");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("role_claims");
        builder.ApplyConfigurationsFromAssembly(typeof(EsimDbContext).Assembly);
        builder.HasSequence<long>(EsimAllocator.SequenceName).StartsAt(1);
    }
}
