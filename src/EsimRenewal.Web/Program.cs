using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Infrastructure.Localization;
using EsimRenewal.Web.Payments;
using Serilog;

// Used only for a failure before the host's own logger exists; each host configures its own.
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateLogger();

try
{
    var builder = WebApplication.CreateBuilder(args);

    builder.Services.AddSerilog((services, logger) => logger
        .ReadFrom.Configuration(builder.Configuration)
        .ReadFrom.Services(services)
        .Enrich.FromLogContext(), preserveStaticLogger: true);

    builder.AddEsimData();
    builder.AddEsimIdentity();
    builder.AddEsimLocalization();
    builder.AddEsimWeb();
    builder.AddEsimServices();
    builder.AddEsimPayments();

    var app = builder.Build();

    if (app.Environment.IsDevelopment())
    {
        app.UseDeveloperExceptionPage();
    }
    else
    {
        app.UseExceptionHandler("/error");
        app.UseHsts();
    }
    app.UseForwardedHeaders();
    app.UseSecurityHeaders();
    app.UseStatusCodePagesWithReExecute("/status/{0}");
    app.UseSerilogRequestLogging();
    app.UseStaticFiles();
    app.UseRequestLocalization();
    app.UseRouting();
    app.UseAuthentication();
    app.UseAuthorization();

    app.MapRazorPages();
    app.MapStripeWebhook();
    app.MapHealthChecks("/healthz");

    await app.PrepareDatabaseAsync();
    await app.RunAsync();
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.Fatal(ex, "The portal stopped because of an unhandled exception");
    throw;
}
finally
{
    await Log.CloseAndFlushAsync();
}
