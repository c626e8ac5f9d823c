using System.Globalization;
using System.Text.Encodings.Web;
using EsimRenewal.Core.Data;
using EsimRenewal.Web.Infrastructure.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>
/// While PostgreSQL cannot be reached, every request that needs it gets a friendly 503 page in the
/// visitor's language with <c>Retry-After</c>, never the 500 error page (docs/decisions/0023). The
/// page is written here, without the layout or the Razor pipeline, because those would reach for the
/// database again (the signed-in user's security stamp). The Stripe webhook gets the same 503, so
/// Stripe retries the event later. Nothing is cached: the next request tries the database again, so
/// the portal recovers by itself once the database is back.
/// </summary>
public static class DatabaseOutage
{
    public const int RetryAfterSeconds = 60;

    /// <summary>Placed after request localization (the page is in the visitor's language) and before everything that reads the database.</summary>
    public static IApplicationBuilder UseDatabaseOutagePage(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (IsDatabaseUnavailable(ex) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseOutage).FullName!);
            logger.LogError("The database is unreachable; {Method} {Path} answered 503: {Reason}",
                context.Request.Method, context.Request.Path.Value, Describe(ex));
            ForgetPooledConnections(context);
            await WritePageAsync(context);
        }
    });

    /// <summary>
    /// True when the exception (or one it wraps: EF's DbUpdateException, RetryLimitExceededException,
    /// InvalidOperationException) says the database cannot be reached: a refused or broken connection, a
    /// connect or command timeout, an exhausted pool, a server shutting down or out of connections.
    /// A query's own error (a constraint, a syntax error) is not an outage.
    /// </summary>
    public static bool IsDatabaseUnavailable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return IsOutageState(postgres.SqlState);
                case NpgsqlException:
                    return true; // no server answer at all: socket error, timeout, pool exhausted, broken connection
            }
        }
        return false;
    }

    private static bool IsOutageState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
        || sqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources, too many connections
        || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
        || sqlState == PostgresErrorCodes.InvalidCatalogName; // the database itself is gone

    private static string Describe(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }
        return innermost.GetType().Name + ": " + innermost.Message;
    }

    /// <summary>Connections idle in the pool died with the server: drop them, so the first requests after recovery get fresh ones.</summary>
    private static void ForgetPooledConnections(HttpContext context)
    {
        try
        {
            if (context.RequestServices.GetRequiredService<EsimDbContext>().Database.GetDbConnection() is NpgsqlConnection connection)
            {
                NpgsqlConnection.ClearPool(connection);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or NpgsqlException or ObjectDisposedException)
        {
            // Best effort: a broken connection is discarded on its next use anyway.
        }
    }

    private static async Task WritePageAsync(HttpContext context)
    {
        var text = context.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        var html = context.RequestServices.GetRequiredService<HtmlEncoder>();
        var culture = Cultures.Normalize(CultureInfo.CurrentUICulture.Name);
        var again = context.Request.Path.Value is { Length: > 0 } path && HttpMethods.IsGet(context.Request.Method)
            ? path + context.Request.QueryString
            : "/";

        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="{html.Encode(culture)}">
            <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>{html.Encode(text["Outage.Title"])} · {html.Encode(text["Brand.Name"])}</title>
            <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
            <link rel="stylesheet" href="/css/site.css" />
            </head>
            <body>
            <header class="site-header"><div class="site-header__inner"><a class="brand" href="/"><img src="/favicon.svg" alt="" width="32" height="32" /><span>{html.Encode(text["Brand.Name"])}</span></a></div></header>
            <main id="main" class="content" tabindex="-1">
            <section class="status-page" data-testid="outage-page" data-status="503">
            <p class="status-code" aria-hidden="true">503</p>
            <h1 data-testid="status-title">{html.Encode(text["Outage.Title"])}</h1>
            <p>{html.Encode(text["Outage.Text"])}</p>
            <p class="actions"><a class="button" href="{html.Encode(again)}">{html.Encode(text["Outage.TryAgain"])}</a></p>
            </section>
            </main>
            </body>
            </html>
            """, context.RequestAborted);
    }
}
