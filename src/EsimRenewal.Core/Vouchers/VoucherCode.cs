using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace EsimRenewal.Core.Vouchers;

/// <summary>
/// A voucher code: 16 random Crockford Base32 symbols (80 bits from <see cref="RandomNumberGenerator"/>)
/// and one check symbol, shown as <c>XXXX-XXXX-XXXX-XXXX-C</c>. A code is a bearer secret: never log it,
/// never store it; store <see cref="VoucherCodeHasher.Hash"/> and <see cref="Last4"/> instead.
/// </summary>
/// <remarks>
/// Check symbol: each symbol is read as an element of GF(32) = GF(2)[x]/(x^5 + x^2 + 1) (its 5-bit value
/// as polynomial coefficients), α = x is primitive (order 31). For data symbols s0..s15 the check symbol is
/// c = Σ α^(i+1)·s_i, i.e. Σ w_i·s_i = 0 over all 17 positions with w_i = α^(i+1) for data and w_16 = 1 for
/// the check. The 17 weights are distinct and non-zero (α^0..α^16, and α has order 31), so changing one
/// symbol by e ≠ 0 changes the sum by w_i·e ≠ 0, and swapping a ≠ b at positions i, j changes it by
/// (w_i + w_j)·(a + b) ≠ 0: every single substitution and every transposition, adjacent or not and
/// including the check symbol, is caught.
/// </remarks>
public sealed class VoucherCode : IEquatable<VoucherCode>
{
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int DataLength = 16;
    public const int SymbolCount = DataLength + 1;
    internal const int RandomByteCount = DataLength * 5 / 8;

    private const int FieldPolynomial = 0b100101; // x^5 + x^2 + 1
    private const int MaxInputLength = 100;       // longer input is not a code; don't normalise megabytes

    private static readonly int[] Weights = CreateWeights();
    private static readonly sbyte[] SymbolValues = CreateSymbolValues();

    private readonly string _canonical; // 17 alphabet symbols, no separators

    private VoucherCode(string canonical) => _canonical = canonical;

    /// <summary>The last 4 data symbols (the group before the check symbol), for support look-ups.</summary>
    public string Last4 => _canonical.Substring(DataLength - 4, 4);

    /// <summary>A new code from the cryptographic random number generator.</summary>
    public static VoucherCode Generate()
    {
        Span<byte> random = stackalloc byte[RandomByteCount];
        RandomNumberGenerator.Fill(random);
        return FromRandomBytes(random);
    }

    /// <summary>Splits 80 random bits into 16 five-bit symbols (unbiased: 32 symbols, 5 bits each).</summary>
    internal static VoucherCode FromRandomBytes(ReadOnlySpan<byte> random)
    {
        if (random.Length != RandomByteCount)
        {
            throw new ArgumentException($"Exactly {RandomByteCount} random bytes are needed.", nameof(random));
        }

        Span<int> symbols = stackalloc int[SymbolCount];
        int buffer = 0, bits = 0, count = 0;
        foreach (var b in random)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                symbols[count++] = (buffer >> bits) & 31;
            }
            buffer &= (1 << bits) - 1;
        }

        symbols[DataLength] = CheckSymbol(symbols[..DataLength]);
        return new VoucherCode(ToText(symbols));
    }

    /// <summary>
    /// Reads what a person typed. Case, spaces, hyphens and dash-like characters, full-width characters
    /// (NFKC) and I/L→1, O→0 are forgiven.
    /// </summary>
    public static VoucherCodeParseResult Parse(string? input)
    {
        if (string.IsNullOrEmpty(input) || input.Length > MaxInputLength)
        {
            return VoucherCodeParseResult.NotACode;
        }

        string normalised;
        try
        {
            normalised = input.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return VoucherCodeParseResult.NotACode; // unpaired surrogates
        }

        Span<int> symbols = stackalloc int[SymbolCount];
        var count = 0;
        foreach (var ch in normalised)
        {
            if (char.IsWhiteSpace(ch) || IsDash(ch))
            {
                continue;
            }

            var value = ch < SymbolValues.Length ? SymbolValues[ch] : (sbyte)-1;
            if (value < 0 || count == SymbolCount)
            {
                return VoucherCodeParseResult.NotACode;
            }
            symbols[count++] = value;
        }

        if (count != SymbolCount)
        {
            return VoucherCodeParseResult.NotACode;
        }
        if (CheckSymbol(symbols[..DataLength]) != symbols[DataLength])
        {
            return VoucherCodeParseResult.ProbableTypo;
        }
        return VoucherCodeParseResult.Valid(new VoucherCode(ToText(symbols)));
    }

    public static bool TryParse(string? input, [NotNullWhen(true)] out VoucherCode? code)
    {
        code = Parse(input).Code;
        return code is not null;
    }

    /// <summary>The display form <c>XXXX-XXXX-XXXX-XXXX-C</c>. This is the secret: do not log it.</summary>
    public override string ToString() => string.Join('-',
        _canonical[..4], _canonical[4..8], _canonical[8..12], _canonical[12..16], _canonical[16..]);

    /// <summary>The 17 symbols without separators; the input to <see cref="VoucherCodeHasher"/>.</summary>
    public string ToCanonicalString() => _canonical;

    public bool Equals(VoucherCode? other) => other is not null && _canonical == other._canonical;

    public override bool Equals(object? obj) => Equals(obj as VoucherCode);

    public override int GetHashCode() => _canonical.GetHashCode(StringComparison.Ordinal);

    public static bool operator ==(VoucherCode? left, VoucherCode? right) => Equals(left, right);

    public static bool operator !=(VoucherCode? left, VoucherCode? right) => !Equals(left, right);

    private static int CheckSymbol(ReadOnlySpan<int> data)
    {
        var sum = 0;
        for (var i = 0; i < data.Length; i++)
        {
            sum ^= Multiply(Weights[i], data[i]); // addition in GF(2^5) is XOR
        }
        return sum;
    }

    private static int Multiply(int a, int b)
    {
        var product = 0;
        for (; b != 0; b >>= 1)
        {
            if ((b & 1) != 0)
            {
                product ^= a;
            }
            a <<= 1;
            if ((a & 32) != 0)
            {
                a ^= FieldPolynomial;
            }
        }
        return product;
    }

    private static int[] CreateWeights()
    {
        var weights = new int[DataLength];
        var power = 1;
        for (var i = 0; i < DataLength; i++)
        {
            power = Multiply(power, 2); // α = x
            weights[i] = power;         // α^(i+1)
        }
        return weights;
    }

    private static sbyte[] CreateSymbolValues()
    {
        var values = new sbyte[128];
        Array.Fill(values, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            values[Alphabet[i]] = (sbyte)i;
            values[char.ToLowerInvariant(Alphabet[i])] = (sbyte)i;
        }
        foreach (var (alias, symbol) in new[] { ('I', '1'), ('L', '1'), ('O', '0') })
        {
            values[alias] = values[symbol];
            values[char.ToLowerInvariant(alias)] = values[symbol];
        }
        return values;
    }

    // After NFKC: U+FF0D full-width hyphen-minus is '-', U+FF70 half-width prolonged sound mark is U+30FC.
    private static bool IsDash(char ch) => ch is '-' or '\u2010' or '\u2011' or '\u2012' or '\u2013'
        or '\u2014' or '\u2015' or '\u2212' or '\u30FC';

    private static string ToText(ReadOnlySpan<int> symbols)
    {
        Span<char> text = stackalloc char[symbols.Length];
        for (var i = 0; i < symbols.Length; i++)
        {
            text[i] = Alphabet[symbols[i]];
        }
        return new string(text);
    }
}
