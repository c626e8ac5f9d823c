namespace EsimRenewal.Core.Carrier;

/// <summary>
/// What the simulated carrier was told, one row per request id: the stand-in for the carrier's own
/// records, and proof that a repeated delivery is applied once.
/// </summary>
public sealed class SimulatedCarrierCall
{
    public const int RequestIdMaxLength = 100;
    public const int OperationMaxLength = 50;

    private SimulatedCarrierCall()
    {
    }

    public SimulatedCarrierCall(string requestId, string operation, string iccid, DateTimeOffset? expiresAt, long? dataMb, DateTimeOffset now)
    {
        RequestId = requestId;
        Operation = operation;
        Iccid = iccid;
        ExpiresAt = expiresAt;
        DataMb = dataMb;
        ReceivedAt = now;
    }

    public long Id { get; private set; }
    public string RequestId { get; private set; } = "";
    public string Operation { get; private set; } = "";
    public string Iccid { get; private set; } = "";
    public DateTimeOffset? ExpiresAt { get; private set; }
    public long? DataMb { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }
}
