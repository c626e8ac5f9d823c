namespace EsimRenewal.Core.Vouchers;

public enum RedemptionChannel
{
    /// <summary>The traveller entered the code on /redeem.</summary>
    Traveller,

    /// <summary>A partner desk or the support desk entered it on /staff/redeem.</summary>
    Staff,
}

/// <summary>
/// The one redemption of a voucher. A unique index on <see cref="VoucherId"/> makes "at most once" a
/// database guarantee: a second insert fails whatever the code in front of it believed.
/// </summary>
public sealed class VoucherRedemption
{
    public const int IpMaxLength = 45;

    private VoucherRedemption()
    {
    }

    public VoucherRedemption(Guid voucherId, Guid simId, Guid orderId, string? redeemedById, RedemptionChannel channel, string? ip, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        VoucherId = voucherId;
        SimId = simId;
        OrderId = orderId;
        RedeemedById = redeemedById;
        Channel = channel;
        Ip = ip;
        RedeemedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid VoucherId { get; private set; }
    public Guid SimId { get; private set; }
    public Guid OrderId { get; private set; }
    public string? RedeemedById { get; private set; }
    public RedemptionChannel Channel { get; private set; }
    public string? Ip { get; private set; }
    public DateTimeOffset RedeemedAt { get; private set; }
}
