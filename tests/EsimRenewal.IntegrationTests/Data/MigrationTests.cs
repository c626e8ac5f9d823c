using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Data;

public sealed class MigrationTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Every_migration_is_applied_to_a_new_database()
    {
        await using var db = _database.NewContext();
        var all = db.Database.GetMigrations().ToList();
        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();

        Assert.NotEmpty(all);
        Assert.Equal(all, applied);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task The_model_has_no_change_that_a_migration_does_not_hold()
    {
        await using var db = _database.NewContext();

        Assert.False(db.Database.HasPendingModelChanges(),
            "The EF model differs from the last migration: run `dotnet ef migrations add <Name> --project src/EsimRenewal.Core --startup-project src/EsimRenewal.Web --output-dir Data/Migrations`.");
    }

    [Theory]
    [InlineData("ux_users_normalized_email")]
    [InlineData("ux_users_phone_number")]
    [InlineData("ix_sims_iccid")]
    [InlineData("ix_orders_idempotency_key")]
    [InlineData("ix_voucher_redemptions_voucher_id")]
    [InlineData("ix_vouchers_code_hash")]
    [InlineData("ix_reminder_logs_sim_id_expires_at_kind")]
    [InlineData("ix_plan_versions_plan_id_number")]
    public async Task Every_at_most_one_rule_has_a_unique_index(string index)
    {
        await using var db = _database.NewContext();
        var unique = await db.Database
            .SqlQuery<bool>($"SELECT indisunique AS \"Value\" FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = {index}")
            .SingleAsync();

        Assert.True(unique);
    }
}
