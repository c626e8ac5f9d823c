namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>One database and one portal host per test class; tests reset the data they need.</summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public PortalFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Factory = new PortalFactory(Database);
        _ = Factory.Server; // start the host (runs start-up seeding of roles)
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}
