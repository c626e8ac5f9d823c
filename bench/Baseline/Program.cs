using Npgsql;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(
    builder.Configuration.GetConnectionString("Esim") ?? throw new InvalidOperationException("ConnectionStrings:Esim is required")));
builder.Services.AddRazorPages();

var app = builder.Build();
app.MapRazorPages();
app.Run();
