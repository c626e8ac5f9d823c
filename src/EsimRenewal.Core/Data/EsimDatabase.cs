using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.Core.Data;

/// <summary>How every host configures the context, so the app, the tools and the tests agree.</summary>
public static class EsimDatabase
{
    public const string ConnectionStringName = "Esim";

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();
}
