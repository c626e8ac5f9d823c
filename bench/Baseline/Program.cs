using Npgsql;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
// Prepared statements and no session reset on returning a connection to the pool, as the portal has them
// (EsimDatabase.WithDefaults): the reference gets the same database settings as the page measured against it.
var connectionString = new NpgsqlConnectionStringBuilder(
    builder.Configuration.GetConnectionString("Esim") ?? throw new InvalidOperationException("ConnectionStrings:Esim is required"))
{
    MaxAutoPrepare = 100,
    NoResetOnClose = true,
}.ConnectionString;
builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
builder.Services.AddRazorPages();

var app = builder.Build();
app.MapRazorPages();
app.Run();
