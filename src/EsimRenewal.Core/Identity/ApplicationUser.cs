using Microsoft.AspNetCore.Identity;

namespace EsimRenewal.Core.Identity;

/// <summary>
/// An account. Travellers sign in with an email address or a mobile number (E.164); the user name
/// is that identifier, so it is unique whichever was used.
/// </summary>
public sealed class ApplicationUser : IdentityUser
{
    public const int CultureMaxLength = 10;

    public string PreferredCulture { get; set; } = "zh-Hans";
    public DateTimeOffset CreatedAt { get; set; }
}

public static class Roles
{
    public const string Traveller = "Traveller";
    public const string Staff = "Staff";
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Traveller, Staff, Admin];
}
