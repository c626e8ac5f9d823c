namespace EsimRenewal.Core.Vouchers;

/// <summary>
/// Failed code entries for one subject (an account, a staff member or an IP address) in the current
/// window. Kept in PostgreSQL so the limit holds across every instance of the portal.
/// </summary>
public sealed class CodeAttemptCounter
{
    public const int KeyMaxLength = 200;

    private CodeAttemptCounter()
    {
    }

    /// <summary>The subject: <c>account:{userId}</c>, <c>staff:{userId}</c> or <c>ip:{address}</c>.</summary>
    public string Key { get; private set; } = "";
    public int Failures { get; private set; }
    public DateTimeOffset WindowStartedAt { get; private set; }
    public DateTimeOffset? LockedUntil { get; private set; }

    public static string ForAccount(string userId) => "account:" + userId;

    public static string ForStaff(string userId) => "staff:" + userId;

    public static string ForIp(string ip) => "ip:" + ip;
}
