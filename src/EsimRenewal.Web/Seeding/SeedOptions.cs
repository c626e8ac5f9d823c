namespace EsimRenewal.Web.Seeding;

/// <summary>What the portal seeds at start-up: roles always, an admin when configured, demo data on request.</summary>
public sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>The first admin account, created when missing (email and password from configuration).</summary>
    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }

    /// <summary>Plans, a demo traveller with a physical SIM and an eSIM, and a staff account.</summary>
    public bool DemoData { get; set; }

    /// <summary>With demo data: a file to write a few redeemable demo voucher codes to (./run.sh prints it).</summary>
    public string? DemoVoucherFile { get; set; }

    /// <summary>With demo data: a file to write the demo SIMs a stranger can use to (./run.sh prints it).</summary>
    public string? DemoSimFile { get; set; }

    public static bool IsValid(SeedOptions options) =>
        string.IsNullOrWhiteSpace(options.AdminEmail) || options.AdminPassword is { Length: >= 12 };
}
