using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace EsimRenewal.Core.Data;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the model without starting the web host. Reads
/// <c>ConnectionStrings__Esim</c> when set; adding a migration needs no reachable server.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<EsimDbContext>
{
    public EsimDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__" + EsimDatabase.ConnectionStringName)
            ?? "Host=127.0.0.1;Port=55432;Database=esim;Username=postgres";
        var options = new DbContextOptionsBuilder<EsimDbContext>();
        EsimDatabase.Configure(options, connectionString);
        return new EsimDbContext(options.Options);
    }
}
