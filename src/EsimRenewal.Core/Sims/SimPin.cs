using Microsoft.AspNetCore.Identity;

namespace EsimRenewal.Core.Sims;

/// <summary>The PIN printed on a physical SIM's card: 4–8 digits, stored only as a salted hash.</summary>
public static class SimPin
{
    private static readonly PasswordHasher<Sim> Hasher = new();

    /// <summary>Forgiving input: full-width digits from Japanese input methods, spaces.</summary>
    public static string? Normalize(string? pin) =>
        pin is null || pin.Length > 64 ? pin : new string(pin.Normalize(System.Text.NormalizationForm.FormKC).Where(c => !char.IsWhiteSpace(c)).ToArray());

    public static bool IsWellFormed(string? pin) => pin is { Length: >= 4 and <= 8 } && pin.All(char.IsAsciiDigit);

    public static string Hash(string pin)
    {
        if (!IsWellFormed(pin))
        {
            throw new ArgumentException("A PIN is 4 to 8 digits.", nameof(pin));
        }
        return Hasher.HashPassword(null!, pin);
    }

    public static bool Matches(Sim sim, string? pin) => Matches(sim.PinHash, pin);

    /// <summary>
    /// Checks a PIN against a hash. Without a hash it checks against a decoy and answers false, so a
    /// refusal takes as long whether or not the card exists.
    /// </summary>
    public static bool Matches(string? pinHash, string? pin)
    {
        if (!IsWellFormed(pin))
        {
            return false;
        }
        var result = Hasher.VerifyHashedPassword(null!, pinHash ?? Decoy, pin!);
        return pinHash is not null && result != PasswordVerificationResult.Failed;
    }

    private static readonly string Decoy = Hasher.HashPassword(null!, "00000000");
}
