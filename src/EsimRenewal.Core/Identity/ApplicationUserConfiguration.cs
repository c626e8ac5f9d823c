using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EsimRenewal.Core.Identity;

internal sealed class ApplicationUserConfiguration : IEntityTypeConfiguration<ApplicationUser>
{
    public void Configure(EntityTypeBuilder<ApplicationUser> user)
    {
        user.Property(u => u.PreferredCulture).HasMaxLength(ApplicationUser.CultureMaxLength);
        user.Property(u => u.PhoneNumber).HasMaxLength(20);
        // One account per email address and per mobile number, whichever is used to sign in.
        user.HasIndex(u => u.NormalizedEmail).IsUnique().HasFilter("normalized_email IS NOT NULL").HasDatabaseName("ux_users_normalized_email");
        // The admins' account list, newest first.
        user.HasIndex(u => u.CreatedAt);
        user.HasIndex(u => u.PhoneNumber).IsUnique().HasFilter("phone_number IS NOT NULL").HasDatabaseName("ux_users_phone_number");
    }
}
