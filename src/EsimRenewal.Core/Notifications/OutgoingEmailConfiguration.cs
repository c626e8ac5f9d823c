using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Sims;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Notifications;

internal sealed class OutgoingEmailConfiguration : IEntityTypeConfiguration<OutgoingEmail>
{
    public void Configure(EntityTypeBuilder<OutgoingEmail> email)
    {
        email.HasKey(e => e.Id);
        email.Property(e => e.Id).UseIdentityAlwaysColumn();
        email.Property(e => e.Kind).HasConversion<string>().HasMaxLength(30);
        email.Property(e => e.Recipient).HasMaxLength(OutgoingEmail.RecipientMaxLength);
        email.Property(e => e.Culture).HasMaxLength(10);
        email.Property(e => e.ReminderKind).HasConversion<string>().HasMaxLength(30);
        email.Property(e => e.Secret).HasMaxLength(OutgoingEmail.SecretMaxLength);
        email.Property(e => e.DedupeKey).HasMaxLength(OutgoingEmail.DedupeKeyMaxLength);
        email.Property(e => e.LastError).HasMaxLength(OutgoingEmail.ErrorMaxLength);
        // One email per order, per reminder, per code, whichever instance writes it.
        email.HasIndex(e => e.DedupeKey).IsUnique();
        // The worker's queue: what is still to send, soonest first.
        email.HasIndex(e => e.AvailableAt).HasFilter("sent_at IS NULL AND discarded_at IS NULL").HasDatabaseName("ix_outgoing_emails_pending");
        email.HasOne<Order>().WithMany().HasForeignKey(e => e.OrderId).OnDelete(DeleteBehavior.Cascade);
        email.HasOne<Sim>().WithMany().HasForeignKey(e => e.SimId).OnDelete(DeleteBehavior.Cascade);
        email.Property(e => e.UserId).HasMaxLength(450);
        email.HasOne<ApplicationUser>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
