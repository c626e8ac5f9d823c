using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Infrastructure.Localization;
using EsimRenewal.Web.Payments;
using Serilog;

// Used only for a failure before the host's own logger exists; each host configures its own.
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateLogger();

try
{
    var builder = WebApplication.CreateBuilder(args);
    // Before anything is built or the database touched: one message naming every unsafe setting.
    builder.RefuseUnsafeSettings();

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
    builder.AddCrashPoint(); // crash-recovery tests only (Testing:CrashAt); refused outside Development

    var app = builder.Build();
    // Options are validated now (a missing key fails here), not after the database was migrated and seeded.
    app.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();

    // First: the scheme and client address as a trusted proxy saw them (HSTS, redirection and cookies depend on it).
    app.UseForwardedHeaders();
    if (app.Environment.IsDevelopment())
    {
        app.UseDeveloperExceptionPage();
    }
    else
    {
        app.UseExceptionHandler("/error");
        app.UseHsts();
        // Plain HTTP is redirected, except the health check a load balancer sends to the instance itself.
        app.UseWhen(context => !context.Request.Path.StartsWithSegments(HostingExtensions.HealthPath), https => https.UseHttpsRedirection());
    }
    app.UseSecurityHeaders();
    app.UseCookiePolicy(); // outside Development every cookie is Secure
    app.UseStatusCodePagesWithReExecute("/status/{0}");
    // The host's logger, not the static bootstrap one (kept by preserveStaticLogger), so the configured levels apply.
    app.UseSerilogRequestLogging(o =>
    {
        o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
        // A visitor who went away mid-request (a closed tab) is not a server error.
        o.GetLevel = (context, _, error) =>
            error is OperationCanceledException && context.RequestAborted.IsCancellationRequested ? Serilog.Events.LogEventLevel.Information
            : error is not null || context.Response.StatusCode >= 500 ? Serilog.Events.LogEventLevel.Error
            : Serilog.Events.LogEventLevel.Information;
    });
    app.UseRequestLocalization();
    // An unreachable database: a localised 503 with Retry-After (webhooks included), not the 500 error page.
    app.UseDatabaseOutagePage();
    app.UseRouting();
    app.UseAuthentication();
    app.UseNoStoreForSensitivePages();
    // After authentication (a signed-in visitor is never served a shared copy) and localisation (copies vary by language).
    if (HostingExtensions.OutputCacheEnabled(app.Configuration))
    {
        app.UseOutputCache();
    }
    app.UseAuthorization();

    // Static files from the build's manifest: precompressed (gzip, Brotli), ETags, and fingerprinted addresses
    // (asp-append-version) cached for a year. Answered at routing, before authentication and the no-store rule.
    app.MapStaticAssets().ShortCircuit();
    app.MapRazorPages().WithStaticAssets();
    app.MapStripeWebhook();
    app.MapHealthChecks(HostingExtensions.HealthPath);

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
