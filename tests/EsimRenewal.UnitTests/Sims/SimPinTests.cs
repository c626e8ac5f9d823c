using EsimRenewal.Core.Sims;

namespace EsimRenewal.UnitTests.Sims;

public class SimPinTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    private static Sim PhysicalSimWithPin(string pin) =>
        Sim.RegisterPhysical(Iccid.FromBody("898110000000000001"), SimPin.Hash(pin), Now);

    [Theory]
    [InlineData("1234")]
    [InlineData("00000")]
    [InlineData("12345678")]
    public void A_pin_of_4_to_8_digits_is_well_formed(string pin)
    {
        Assert.True(SimPin.IsWellFormed(pin));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("123")]
    [InlineData("123456789")]
    [InlineData("12a4")]
    [InlineData("12 34")]
    [InlineData(" 1234")]
    [InlineData("-1234")]
    public void Anything_else_is_not_a_pin(string? pin)
    {
        Assert.False(SimPin.IsWellFormed(pin));
    }

    [Theory]
    [InlineData("123")]
    [InlineData("abcd")]
    public void A_malformed_pin_is_never_hashed(string pin)
    {
        Assert.Throws<ArgumentException>(() => SimPin.Hash(pin));
    }

    [Fact]
    public void The_pin_printed_on_the_card_matches_its_hash()
    {
        var sim = PhysicalSimWithPin("73915286");

        Assert.True(SimPin.Matches(sim, "73915286"));
    }

    [Theory]
    [InlineData("73915287")]
    [InlineData("7391528")]
    [InlineData("1234")]
    [InlineData("")]
    [InlineData(null)]
    public void A_wrong_pin_does_not_match(string? pin)
    {
        var sim = PhysicalSimWithPin("73915286");

        Assert.False(SimPin.Matches(sim, pin));
    }

    [Fact]
    public void The_hash_does_not_contain_the_pin()
    {
        var hash = SimPin.Hash("73915286");

        Assert.DoesNotContain("73915286", hash, StringComparison.Ordinal);
        Assert.NotEqual("73915286", hash);
    }

    [Fact]
    public void The_same_pin_hashes_differently_each_time_because_it_is_salted()
    {
        Assert.NotEqual(SimPin.Hash("73915286"), SimPin.Hash("73915286"));
    }

    [Fact]
    public void An_esim_has_no_pin_so_no_pin_matches_it()
    {
        var esim = Sim.IssueEsim(Iccid.FromBody("8981100000000000012"), "LPA:1$smdp.example$X", "a@example.com", null, Now);

        Assert.False(SimPin.Matches(esim, "1234"));
        Assert.Null(esim.PinHash);
    }
}
