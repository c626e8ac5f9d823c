using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EsimRenewal.Core.Data;

/// <summary>How every host configures the context, so the app, the tools and the tests agree.</summary>
public static class EsimDatabase
{
    public const string ConnectionStringName = "Esim";

    /// <summary>Seconds to open a connection when the connection string does not say (Npgsql's own default is 15).</summary>
    public const int DefaultConnectTimeoutSeconds = 4;

    /// <summary>Seconds a command may wait for the server when the connection string does not say (Npgsql's own default is 30).</summary>
    public const int DefaultCommandTimeoutSeconds = 15;

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    /// <summary>Statements each pooled connection keeps prepared, the most used first (Npgsql's own default is 0: none).</summary>
    public const int DefaultMaxAutoPrepare = 100;

    /// <summary>
    /// The connection string with the portal's defaults, each applied only when the connection string does
    /// not set it itself:
    /// <list type="bullet">
    /// <item>Bounded waits, so an unreachable database fails a request within seconds instead of holding it
    /// (docs/decisions/0023): <c>Timeout</c> (connect) and <c>Command Timeout</c> get the defaults above, and
    /// <c>Cancellation Timeout</c> -1.</item>
    /// <item>Prepared statements and no session reset (docs/decisions/0030): a query the connection has run
    /// a few times is kept prepared (<c>Max Auto Prepare</c>), so PostgreSQL no longer parses and plans it on
    /// every request; and a connection going back to the pool is not reset (<c>No Reset On Close</c>), because
    /// nothing in the portal leaves session state behind (settings and advisory locks are per transaction;
    /// the reconciliation's one session lock is released before its connection goes back), and the reset
    /// that keeps prepared statements costs the server more than the page's own query.</item>
    /// </list>
    /// </summary>
    public static string WithDefaults(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var defaults = new NpgsqlConnectionStringBuilder(connectionString);
        bool Sets(params string[] keywords) => keywords.Any(given.ContainsKey);
        if (!Sets("Timeout", "Connect Timeout", "Connection Timeout"))
        {
            defaults.Timeout = DefaultConnectTimeoutSeconds;
        }
        if (!Sets("Command Timeout", "CommandTimeout"))
        {
            defaults.CommandTimeout = DefaultCommandTimeoutSeconds;
        }
        if (!Sets("Cancellation Timeout", "CancellationTimeout"))
        {
            // A timed-out command's cancel request is sent, but its answer not waited for: the connection is
            // dropped at once (on a broken network the answer never comes; Npgsql would wait 2 s more).
            defaults.CancellationTimeout = -1;
        }
        if (!Sets("Max Auto Prepare", "MaxAutoPrepare"))
        {
            defaults.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }
        if (!Sets("No Reset On Close", "NoResetOnClose"))
        {
            defaults.NoResetOnClose = true;
        }
        return defaults.ConnectionString;
    }
}
