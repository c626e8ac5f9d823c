using EsimRenewal.Core.Data;
using EsimRenewal.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace EsimRenewal.UnitTests.Hosting;

public sealed class DatabaseOutageTests
{
    private static PostgresException Postgres(string sqlState) => new("test", "ERROR", "ERROR", sqlState);

    [Fact]
    public void An_unreachable_server_is_an_outage_however_EF_wraps_it()
    {
        var refused = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111));
        var timedOut = new NpgsqlException("The operation has timed out", new TimeoutException());

        Assert.True(DatabaseOutage.IsDatabaseUnavailable(refused));
        Assert.True(DatabaseOutage.IsDatabaseUnavailable(new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", refused)));
        Assert.True(DatabaseOutage.IsDatabaseUnavailable(new DbUpdateException("save failed", timedOut)));
        Assert.True(DatabaseOutage.IsDatabaseUnavailable(new RetryLimitExceededException("retries", timedOut)));
    }

    [Theory]
    [InlineData("57P01")] // terminating connection due to administrator command
    [InlineData("57P03")] // the database system is starting up
    [InlineData("53300")] // too many connections
    [InlineData("08006")] // connection failure
    [InlineData("3D000")] // the database does not exist
    public void A_server_that_is_going_away_or_full_is_an_outage(string sqlState) =>
        Assert.True(DatabaseOutage.IsDatabaseUnavailable(new InvalidOperationException("wrapped", Postgres(sqlState))));

    [Theory]
    [InlineData("23505")] // unique violation
    [InlineData("40001")] // serialization failure
    [InlineData("42601")] // syntax error
    public void A_query_s_own_error_is_not_an_outage(string sqlState)
    {
        Assert.False(DatabaseOutage.IsDatabaseUnavailable(new DbUpdateException("save failed", Postgres(sqlState))));
        Assert.False(DatabaseOutage.IsDatabaseUnavailable(new InvalidOperationException("a bug")));
    }

    [Fact]
    public void The_connection_string_gets_bounded_timeouts_and_prepared_statements_unless_it_sets_its_own()
    {
        var defaults = new NpgsqlConnectionStringBuilder(EsimDatabase.WithDefaults("Host=db;Database=esim;Username=portal"));
        var own = new NpgsqlConnectionStringBuilder(EsimDatabase.WithDefaults(
            "Host=db;Database=esim;Timeout=30;Command Timeout=120;Cancellation Timeout=5000;Max Auto Prepare=0;No Reset On Close=false"));

        Assert.Equal((EsimDatabase.DefaultConnectTimeoutSeconds, EsimDatabase.DefaultCommandTimeoutSeconds, -1), (defaults.Timeout, defaults.CommandTimeout, defaults.CancellationTimeout));
        Assert.Equal((EsimDatabase.DefaultMaxAutoPrepare, true), (defaults.MaxAutoPrepare, defaults.NoResetOnClose));
        Assert.Equal((30, 120, 5000, 0, false), (own.Timeout, own.CommandTimeout, own.CancellationTimeout, own.MaxAutoPrepare, own.NoResetOnClose));
        Assert.Equal("db", defaults.Host);
    }
}
