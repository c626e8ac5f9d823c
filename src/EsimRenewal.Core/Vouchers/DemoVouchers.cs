using System.Security.Cryptography;
using System.Text;

namespace EsimRenewal.Core.Vouchers;

/// <summary>
/// The demo batch's codes, derived from a fixed public seed so that ./run.sh can print them and the
/// browser tests can use them. Only ever seeded when demo data is switched on (Seed:DemoData): these
/// codes are public knowledge, so they must never exist in a real deployment.
/// </summary>
public static class DemoVouchers
{
    public const int Count = 20;
    public const string Channel = SalesChannels.FamilyMart;
    public const string PlanCode = "jp-7d-10gb";

    public static IReadOnlyList<VoucherCode> Codes { get; } = Enumerable.Range(0, Count).Select(Code).ToList();

    private static VoucherCode Code(int index) =>
        VoucherCode.FromRandomBytes(SHA256.HashData(Encoding.ASCII.GetBytes($"EsimRenewal demo voucher {index}")).AsSpan(0, VoucherCode.RandomByteCount));
}
