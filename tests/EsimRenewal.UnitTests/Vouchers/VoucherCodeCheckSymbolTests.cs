using EsimRenewal.Core.Vouchers;

namespace EsimRenewal.UnitTests.Vouchers;

// The check is linear over GF(32): whether changing or swapping symbols is caught depends only on the
// positions and the symbols involved, never on the rest of the code. So trying every position with every
// pair of symbols on one base code covers every code there is.
public class VoucherCodeCheckSymbolTests
{
    private const string Alphabet = VoucherCode.Alphabet;
    private readonly string _baseData = VoucherCode.Generate().ToCanonicalString()[..VoucherCode.DataLength];

    [Fact]
    public void Exactly_one_check_symbol_completes_any_sixteen_data_symbols()
    {
        for (var n = 0; n < 100; n++)
        {
            var data = VoucherCode.Generate().ToCanonicalString()[..VoucherCode.DataLength];

            Assert.Single(Alphabet, check => VoucherCode.Parse(data + check).IsValid);
        }
    }

    [Fact]
    public void Check_symbol_catches_every_single_symbol_substitution()
    {
        for (var position = 0; position < VoucherCode.DataLength; position++)
        {
            foreach (var original in Alphabet)
            {
                var code = Complete(Replace(_baseData, position, original));
                foreach (var typo in Alphabet.Where(symbol => symbol != original))
                {
                    AssertTypo(Replace(code, position, typo));
                }
            }
        }

        // Running the last data symbol through the alphabet runs the check symbol through all 32 values.
        var checks = new HashSet<char>();
        foreach (var last in Alphabet)
        {
            var code = Complete(_baseData[..15] + last);
            checks.Add(code[16]);
            foreach (var typo in Alphabet.Where(symbol => symbol != code[16]))
            {
                AssertTypo(Replace(code, 16, typo));
            }
        }
        Assert.Equal(32, checks.Count);
    }

    [Fact]
    public void Check_symbol_catches_every_adjacent_transposition()
    {
        for (var position = 0; position < VoucherCode.DataLength - 1; position++)
        {
            foreach (var first in Alphabet)
            {
                foreach (var second in Alphabet.Where(symbol => symbol != first))
                {
                    var data = Replace(Replace(_baseData, position, first), position + 1, second);
                    AssertTypo(Swap(Complete(data), position));
                }
            }
        }

        // The last data symbol and the check symbol: two free data symbols reach every pair of them.
        var pairs = new HashSet<(char, char)>();
        foreach (var x in Alphabet)
        {
            foreach (var last in Alphabet)
            {
                var code = Complete(_baseData[..14] + x + last);
                pairs.Add((code[15], code[16]));
                if (code[15] != code[16])
                {
                    AssertTypo(Swap(code, 15));
                }
            }
        }
        Assert.Equal(32 * 32, pairs.Count);
    }

    [Fact]
    public void Every_substitution_and_transposition_of_generated_codes_is_reported_as_a_typo()
    {
        for (var n = 0; n < 200; n++)
        {
            var code = VoucherCode.Generate().ToCanonicalString();
            for (var position = 0; position < VoucherCode.SymbolCount; position++)
            {
                foreach (var typo in Alphabet.Where(symbol => symbol != code[position]))
                {
                    AssertTypo(Replace(code, position, typo));
                }
                for (var other = position + 1; other < VoucherCode.SymbolCount; other++)
                {
                    if (code[position] != code[other])
                    {
                        AssertTypo(Replace(Replace(code, position, code[other]), other, code[position]));
                    }
                }
            }
        }
    }

    private static string Complete(string data) =>
        Alphabet.Select(check => data + check).Single(candidate => VoucherCode.Parse(candidate).IsValid);

    private static void AssertTypo(string input) =>
        Assert.Equal(VoucherCodeParseOutcome.ProbableTypo, VoucherCode.Parse(input).Outcome);

    private static string Replace(string text, int position, char symbol) =>
        text[..position] + symbol + text[(position + 1)..];

    private static string Swap(string text, int position) =>
        Replace(Replace(text, position, text[position + 1]), position + 1, text[position]);
}
