using System.Security.Cryptography;
using EsimRenewal.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.Core.Sims;

/// <summary>Settings for new eSIMs.</summary>
public sealed class EsimOptions
{
    public const string Section = "Esim";

    /// <summary>The SM-DP+ address in activation codes: <c>LPA:1$smdp.example$MATCHING-ID</c>.</summary>
    public string SmdpAddress { get; set; } = "smdp.example";
}

/// <summary>
/// Mints new eSIMs: an ICCID from a database sequence (prefix 898120, Luhn check digit) and a random
/// matching id for the activation code.
/// </summary>
public sealed class EsimAllocator(EsimDbContext db)
{
    public const string IccidPrefix = "898120";
    public const string SequenceName = "esim_iccid_seq";
    private const string MatchingIdAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public async Task<Sim> AllocateAsync(string smdpAddress, string ownerId, string purchaseEmail, DateTimeOffset now, CancellationToken ct)
    {
        var next = await db.Database.SqlQuery<long>($"SELECT nextval('esim_iccid_seq') AS \"Value\"").SingleAsync(ct);
        var iccid = Iccid.FromBody(IccidPrefix + next.ToString("D12", System.Globalization.CultureInfo.InvariantCulture));
        return Sim.IssueEsim(iccid, $"LPA:1${smdpAddress}${NewMatchingId()}", purchaseEmail, ownerId, now);
    }

    private static string NewMatchingId()
    {
        var symbols = RandomNumberGenerator.GetString(MatchingIdAlphabet, 20);
        return string.Join('-', symbols.Chunk(5).Select(c => new string(c)));
    }
}
