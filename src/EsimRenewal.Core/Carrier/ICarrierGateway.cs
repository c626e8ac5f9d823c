namespace EsimRenewal.Core.Carrier;

/// <summary>
/// The carrier network that actually extends a SIM. Calls carry the request id of the change, so a
/// repeated call is applied once by the carrier.
/// </summary>
public interface ICarrierGateway
{
    Task ApplyValidityAsync(SimValidityChanged change, CancellationToken ct = default);
}
