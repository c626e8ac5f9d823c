using EsimRenewal.Core.Throttling;

namespace EsimRenewal.UnitTests.Throttling;

public class ProofOfWorkTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
    private readonly ProofOfWork _proof = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    /// <summary>What the browser does: try numbers until the hash matches.</summary>
    internal static string Solve(ProofOfWorkChallenge challenge)
    {
        for (var n = 0; n <= challenge.MaxNumber; n++)
        {
            if (ProofOfWork.HashOf(challenge.Salt, n) == challenge.Hash)
            {
                return $"{challenge.Salt}.{n}.{challenge.Signature}";
            }
        }
        throw new InvalidOperationException("Unsolvable challenge.");
    }

    [Fact]
    public void A_solved_challenge_verifies_and_names_its_hash()
    {
        var challenge = _proof.Issue(5_000, Now.AddMinutes(10));

        Assert.Equal(challenge.Hash, _proof.Verify(Solve(challenge), Now));
    }

    [Fact]
    public void A_wrong_number_does_not_verify()
    {
        var challenge = _proof.Issue(5_000, Now.AddMinutes(10));
        var parts = Solve(challenge).Split('.');
        var wrong = $"{parts[0]}.{(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) + 1) % 5_001}.{parts[2]}";

        Assert.Null(_proof.Verify(wrong, Now));
    }

    [Fact]
    public void A_challenge_signed_with_another_key_does_not_verify()
    {
        var foreign = new ProofOfWork(new byte[32]).Issue(5_000, Now.AddMinutes(10));

        Assert.Null(_proof.Verify(Solve(foreign), Now));
    }

    [Fact]
    public void A_salt_changed_to_extend_the_expiry_does_not_verify()
    {
        var challenge = _proof.Issue(5_000, Now.AddMinutes(10));
        var solution = Solve(challenge);
        var later = challenge.Salt[..challenge.Salt.LastIndexOf('-')] + "-" + Now.AddDays(1).ToUnixTimeSeconds();

        Assert.Null(_proof.Verify(later + solution[solution.IndexOf('.')..], Now));
    }

    [Fact]
    public void An_expired_challenge_does_not_verify()
    {
        var challenge = _proof.Issue(5_000, Now.AddMinutes(10));

        Assert.Null(_proof.Verify(Solve(challenge), Now.AddMinutes(10)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b.c")]
    [InlineData("salt.12.short")]
    [InlineData("ff-99999999999999999999.1.0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("ff-1.-1.0000000000000000000000000000000000000000000000000000000000000000")]
    public void Junk_never_verifies_and_never_throws(string? solution)
    {
        Assert.Null(_proof.Verify(solution, Now));
    }
}
