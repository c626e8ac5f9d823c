using EsimRenewal.Core.Throttling;

namespace EsimRenewal.IntegrationTests.Infrastructure;

public static class Challenges
{
    /// <summary>What the browser's js/challenge.js does: try numbers until the hash matches.</summary>
    public static string Solve(ProofOfWorkChallenge challenge)
    {
        for (var n = 0; n <= challenge.MaxNumber; n++)
        {
            if (ProofOfWork.HashOf(challenge.Salt, n) == challenge.Hash)
            {
                return $"{challenge.Salt}.{n}.{challenge.Signature}";
            }
        }
        throw new InvalidOperationException("The challenge has no solution.");
    }
}
