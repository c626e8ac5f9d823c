using EsimRenewal.IntegrationTests.Infrastructure;

namespace EsimRenewal.IntegrationTests.Vouchers;

/// <summary>The voucher secret is required: without it (or with a weak one) the portal does not start.</summary>
public sealed class VoucherConfigurationTests
{
    [Theory]
    [InlineData("")]
    [InlineData("c2hvcnQta2V5")] // 9 bytes
    public async Task The_portal_refuses_to_start_without_a_proper_voucher_key(string key)
    {
        var database = await TestDatabase.CreateAsync();
        try
        {
            await using var portal = new PortalWithVoucherKey(database, key);

            var error = Assert.ThrowsAny<Exception>(() => portal.Server);

            Assert.Contains("Vouchers:CodeHashKey", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    private sealed class PortalWithVoucherKey(TestDatabase database, string key) : PortalFactory(database)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Vouchers:CodeHashKey", key)];
    }
}
