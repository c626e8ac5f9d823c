using EsimRenewal.Web.Accounts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;

namespace EsimRenewal.UnitTests.Accounts;

public sealed class InvitationTokensTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
    private readonly EphemeralDataProtectionProvider _keys = new();

    private InvitationTokens Tokens() => new(_keys, _clock);

    [Fact]
    public void A_token_carries_the_account_and_its_security_stamp_for_48_hours_by_the_injected_clock()
    {
        var (token, expiresAt) = Tokens().Issue("user-1", "STAMP");

        _clock.Advance(TimeSpan.FromHours(48) - TimeSpan.FromSeconds(1));
        var justInTime = Tokens().Read(token);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var late = Tokens().Read(token);

        Assert.Equal(new DateTimeOffset(2026, 12, 3, 3, 0, 0, TimeSpan.Zero), expiresAt);
        Assert.Equal(new InvitationTicket(InvitationTokenState.Valid, "user-1", "STAMP"), justInTime);
        Assert.Equal(InvitationTokenState.Expired, late.State);
        Assert.Equal("user-1", late.UserId);
        Assert.Null(late.SecurityStamp);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAAA")]
    public void Anything_else_is_invalid(string? token)
    {
        Assert.Equal(InvitationTicket.Invalid, Tokens().Read(token));
    }

    [Fact]
    public void A_token_is_not_readable_with_other_keys_nor_by_another_purpose_and_a_huge_one_is_not_even_tried()
    {
        var (token, _) = Tokens().Issue("user-1", "STAMP");
        var otherPurpose = _keys.CreateProtector("EsimRenewal.Orders.Link.v1").Protect("user-1");

        Assert.Equal(InvitationTicket.Invalid, new InvitationTokens(new EphemeralDataProtectionProvider(), _clock).Read(token));
        Assert.Equal(InvitationTicket.Invalid, Tokens().Read(otherPurpose));
        Assert.Equal(InvitationTicket.Invalid, Tokens().Read(new string('A', InvitationTokens.MaxLength + 1)));
        Assert.True(token.Length <= InvitationTokens.MaxLength);
        Assert.DoesNotContain("STAMP", token, StringComparison.Ordinal);
    }
}
