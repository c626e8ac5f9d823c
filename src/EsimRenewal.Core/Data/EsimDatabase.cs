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

    /// <summary>
    /// The connection string with bounded waits, so an unreachable database fails a request within
    /// seconds instead of holding it (docs/decisions/0023): <c>Timeout</c> (connect) and
    /// <c>Command Timeout</c> get the defaults above, and <c>Cancellation Timeout</c> -1, unless the connection
    /// string sets them itself.
    /// </summary>
    public static string WithBoundedTimeouts(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var bounded = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Timeout") && !given.ContainsKey("Connect Timeout") && !given.ContainsKey("Connection Timeout"))
        {
            bounded.Timeout = DefaultConnectTimeoutSeconds;
        }
        if (!given.ContainsKey("Command Timeout") && !given.ContainsKey("CommandTimeout"))
        {
            bounded.CommandTimeout = DefaultCommandTimeoutSeconds;
        }
        if (!given.ContainsKey("Cancellation Timeout") && !given.ContainsKey("CancellationTimeout"))
        {
            // A timed-out command's cancel request is sent, but its answer not waited for: the connection is
            // dropped at once (on a broken network the answer never comes; Npgsql would wait 2 s more).
            bounded.CancellationTimeout = -1;
        }
        return bounded.ConnectionString;
    }
}
