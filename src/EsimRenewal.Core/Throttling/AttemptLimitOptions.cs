namespace EsimRenewal.Core.Throttling;

/// <summary>How many failures a subject may have within a window, and how long it is then held back.</summary>
public sealed class AttemptLimit
{
    public int MaxFailures { get; set; }
    public TimeSpan Window { get; set; }
    public TimeSpan HoldBack { get; set; }

    public bool IsValid => MaxFailures >= 1 && Window > TimeSpan.Zero && HoldBack > TimeSpan.Zero;
}

/// <summary>
/// Configuration section <c>AttemptLimits</c>: the brute-force limits on every secret a person types
/// (voucher codes, SIM PINs, one-time codes, passwords, authenticator codes).
/// </summary>
public sealed class AttemptLimitOptions
{
    public const string Section = "AttemptLimits";

    /// <summary>Per account or staff member: past the limit the account is locked for a while.</summary>
    public AttemptLimit Account { get; set; } = new() { MaxFailures = 10, Window = TimeSpan.FromMinutes(15), HoldBack = TimeSpan.FromMinutes(15) };

    /// <summary>
    /// Per SIM (its ICCID): a PIN of four digits must not be guessable slowly, so the window and the
    /// lock are long. The owner who mistypes ten times asks the support desk.
    /// </summary>
    public AttemptLimit Sim { get; set; } = new() { MaxFailures = 10, Window = TimeSpan.FromDays(1), HoldBack = TimeSpan.FromDays(1) };

    /// <summary>
    /// Per IP address: never a lock, because one address can be a whole hotel, a shop's router or a
    /// mobile carrier's NAT. Past the limit every attempt from the address must carry a solved
    /// proof-of-work challenge, which costs a person a second and a guessing script a second per guess.
    /// </summary>
    public AttemptLimit Address { get; set; } = new() { MaxFailures = 20, Window = TimeSpan.FromMinutes(15), HoldBack = TimeSpan.FromMinutes(30) };

    /// <summary>
    /// Failed sign-ins per account. Identity's own lockout of a known account takes these numbers, and
    /// the limiter applies the same to an identifier that matches no account, so the answers (and the
    /// point where "locked" appears) never tell whether an account exists.
    /// </summary>
    public AttemptLimit SignIn { get; set; } = new() { MaxFailures = 5, Window = TimeSpan.FromMinutes(15), HoldBack = TimeSpan.FromMinutes(15) };

    /// <summary>Work per challenge: the solver tries on average half of this many SHA-256 hashes.</summary>
    public int ChallengeMaxNumber { get; set; } = 100_000;

    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public static bool IsValid(AttemptLimitOptions o) =>
        o.Account.IsValid && o.Sim.IsValid && o.Address.IsValid && o.SignIn.IsValid
        && o.ChallengeMaxNumber is >= 1_000 and <= 10_000_000
        && o.ChallengeLifetime > TimeSpan.Zero;
}
