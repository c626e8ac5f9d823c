using EsimRenewal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Respawn;
using Respawn.Graph;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>
/// A real PostgreSQL database of its own for one fixture: copied from a migrated template (created
/// once per test run), reset between tests with Respawn. The server comes from ESIM_TEST_DB; there
/// is no fallback to anything else.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string ServerVariable = "ESIM_TEST_DB";
    private static readonly string RunId = Guid.NewGuid().ToString("N")[..8];
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? _templateName;
    private static int _counter;

    private Respawner? _respawner;
    private readonly bool _onOwnServer;

    private TestDatabase(string name, string connectionString, bool onOwnServer = false)
    {
        Name = name;
        ConnectionString = connectionString;
        _onOwnServer = onOwnServer;
    }

    /// <summary>A database on a server of the test's own (<see cref="ThrowawayCluster"/>): left to go with that server.</summary>
    public static TestDatabase OnOwnServer(string connectionString) =>
        new(new NpgsqlConnectionStringBuilder(connectionString).Database!, connectionString, onOwnServer: true);

    public string Name { get; }
    public string ConnectionString { get; }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ServerVariable} is not set. Run ./test.sh, which starts a throwaway PostgreSQL cluster, or set " +
                $"{ServerVariable} to a server connection string, e.g. \"Host=127.0.0.1;Port=55433;Username=postgres;Database=postgres\".");

    public static async Task<TestDatabase> CreateAsync()
    {
        var template = await EnsureTemplateAsync();
        var name = $"esim_{RunId}_{Interlocked.Increment(ref _counter)}";
        await ExecuteOnServerAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        return new TestDatabase(name, ForDatabase(name));
    }

    public EsimDbContext NewContext()
    {
        var options = new DbContextOptionsBuilder<EsimDbContext>();
        EsimDatabase.Configure(options, ConnectionString);
        return new EsimDbContext(options.Options);
    }

    /// <summary>
    /// Empties every table but the migration history and the roles. The audit log refuses DELETE and
    /// TRUNCATE (triggers, see the AdminUsersAudit migration), so Respawn leaves it alone and it is emptied
    /// here with its triggers disabled for the length of one transaction: the tests connect as postgres,
    /// the table's owner, which the portal's role in production is not (docs/decisions/0016).
    /// </summary>
    /// <remarks>
    /// A background job of the portal still finishing its last pass can deadlock with the deletes;
    /// PostgreSQL then cancels one side, and when it is the reset, the reset is simply done again.
    /// </remarks>
    public async Task ResetAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ResetOnceAsync();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                await Task.Delay(100 * attempt);
            }
        }
    }

    private async Task ResetOnceAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        _respawner ??= await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["public"],
            TablesToIgnore = [new Table("__ef_migrations_history"), new Table("roles"), new Table(AuditTable)],
        });
        await _respawner.ResetAsync(connection);
        await using var transaction = await connection.BeginTransactionAsync();
        await using var empty = new NpgsqlCommand(
            $"ALTER TABLE {AuditTable} DISABLE TRIGGER USER; TRUNCATE {AuditTable}; ALTER TABLE {AuditTable} ENABLE TRIGGER USER;", connection, transaction);
        await empty.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    private const string AuditTable = "audit_entries";

    public async ValueTask DisposeAsync()
    {
        if (_onOwnServer)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    private static async Task<string> EnsureTemplateAsync()
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (_templateName is not null)
            {
                return _templateName;
            }
            var name = $"esim_{RunId}_template";
            await ExecuteOnServerAsync($"CREATE DATABASE \"{name}\"");
            var options = new DbContextOptionsBuilder<EsimDbContext>();
            EsimDatabase.Configure(options, ForDatabase(name, pooling: false));
            await using (var db = new EsimDbContext(options.Options))
            {
                await db.Database.MigrateAsync();
                foreach (var role in Core.Identity.Roles.All)
                {
                    await db.Database.ExecuteSqlAsync(
                        $"INSERT INTO roles (id, name, normalized_name, concurrency_stamp) VALUES ({Guid.NewGuid().ToString()}, {role}, {role.ToUpperInvariant()}, {Guid.NewGuid().ToString()})");
                }
            }
            _templateName = name;
            return name;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static string ForDatabase(string name, bool pooling = true) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name, Pooling = pooling }.ConnectionString;

    private static async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ServerConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
