using Microsoft.AspNetCore.Identity;

namespace EsimRenewal.Core.Sims;

/// <summary>The PIN printed on a physical SIM's card: 4–8 digits, stored only as a salted hash.</summary>
public static class SimPin
{
    private static readonly PasswordHasher<Sim> Hasher = new();

    public static bool IsWellFormed(string? pin) => pin is { Length: >= 4 and <= 8 } && pin.All(char.IsAsciiDigit);

    public static string Hash(string pin)
    {
        if (!IsWellFormed(pin))
        {
            throw new ArgumentException("A PIN is 4 to 8 digits.", nameof(pin));
        }
        return Hasher.HashPassword(null!, pin);
    }

    public static bool Matches(Sim sim, string? pin) =>
        sim.PinHash is not null && IsWellFormed(pin)
        && Hasher.VerifyHashedPassword(sim, sim.PinHash, pin!) != PasswordVerificationResult.Failed;
}
