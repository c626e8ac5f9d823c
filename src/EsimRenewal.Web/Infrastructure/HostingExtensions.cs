using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Carrier;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Payments;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Reminders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Web.Accounts;
using EsimRenewal.Web.Background;
using EsimRenewal.Web.Payments;
using EsimRenewal.Web.Infrastructure.Localization;
using EsimRenewal.Web.Legal;
using EsimRenewal.Web.Notifications;
using EsimRenewal.Web.Seeding;
using EsimRenewal.Web.Vouchers;
using FluentValidation;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.WebEncoders;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>The composition of the portal, one method per concern, called from Program.cs.</summary>
public static class HostingExtensions
{
    public static void AddEsimData(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(EsimDatabase.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{EsimDatabase.ConnectionStringName} is not set. ./run.sh sets it for the local cluster.");
        }
        // One pool serves both the request-scoped context and the factory (for work on its own connection).
        builder.Services.AddPooledDbContextFactory<EsimDbContext>(options => EsimDatabase.Configure(options, connectionString));
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<EsimDbContext>>().CreateDbContext());
        builder.Services.AddOptions<DatabaseOptions>().Bind(builder.Configuration.GetSection(DatabaseOptions.Section)).ValidateOnStart();
        builder.Services.AddOptions<SeedOptions>().Bind(builder.Configuration.GetSection(SeedOptions.Section))
            .Validate(SeedOptions.IsValid, "Seed:AdminPassword is required (at least 12 characters) when Seed:AdminEmail is set.")
            .ValidateOnStart();
        builder.Services.AddDataProtection().SetApplicationName("EsimRenewal").PersistKeysToDbContext<EsimDbContext>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddScoped<DemoData>();
    }

    public static void AddEsimIdentity(this WebApplicationBuilder builder)
    {
        builder.Services
            .AddIdentity<ApplicationUser, IdentityRole>(options =>
            {
                options.User.RequireUniqueEmail = false; // phone-only accounts have no email; indexes keep both unique
                options.User.AllowedUserNameCharacters = ""; // the user name is a normalised email or E.164 number
                options.Password.RequiredLength = AccountRules.MinPasswordLength;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<EsimDbContext>()
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>()
            .AddDefaultTokenProviders();

        builder.Services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/account/login";
            options.LogoutPath = "/account/logout";
            options.AccessDeniedPath = "/account/access-denied";
            options.Cookie.Name = "esim.auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.SlidingExpiration = true;
            options.ExpireTimeSpan = TimeSpan.FromDays(14);
        });

        // Roles and locks reach signed-in sessions within a minute: the cookie's principal is rebuilt from the
        // database, and a changed security stamp (a lock, a password change) ends the session.
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        builder.Services.AddSingleton<InvitationTokens>();
        builder.Services.AddScoped<UserAdminService>();

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Staff, Roles.Admin))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin));
    }

    public static void AddEsimWeb(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        // Chinese and Japanese text as characters, not numeric entities.
        builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/Sims");
            options.Conventions.AuthorizeFolder("/Orders");
            options.Conventions.AllowAnonymousToPage("/Orders/Details"); // the signed link of a guest's order; the page checks

            options.Conventions.AuthorizeFolder("/Staff", Policies.Staff);
            options.Conventions.AuthorizeFolder("/Admin", Policies.Admin);
        })
        // Forms validate on the server only (they carry novalidate): no data-val-* attributes, whose
        // messages the framework writes in English ("The RememberMe field is required.").
        .AddViewOptions(o => o.HtmlHelperOptions.ClientValidationEnabled = false)
        .AddViewLocalization()
        .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));

        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "esim.af";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Trusted proxies come from configuration in a deployment; loopback is trusted by default.
        });
        builder.Services.AddValidatorsFromAssemblyContaining<SharedResource>(includeInternalTypes: true);
        builder.Services.AddOptions<SiteOptions>().Bind(builder.Configuration.GetSection(SiteOptions.Section))
            .Validate(SiteOptions.IsValid, "Site:PublicBaseUrl must be the portal's absolute http(s) address, e.g. https://shop.example.jp.")
            .ValidateOnStart();
        builder.Services.AddSingleton<EsimRenewal.Web.Orders.OrderLinks>();
        builder.Services.AddSingleton<EsimRenewal.Web.Sims.QuickRenewalTickets>();
        builder.Services.AddOptions<OperatorOptions>().Bind(builder.Configuration.GetSection(OperatorOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OperatorOptions>, OperatorOptions.Validator>();
    }

    public static void AddEsimServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<CatalogService>();
        builder.Services.AddScoped<PlanAdminService>();
        builder.Services.AddScoped<SimService>();
        builder.Services.AddScoped<AccountService>();
        builder.Services.AddScoped<AuditTrail>();
        builder.Services.AddScoped<CheckoutService>();
        builder.Services.AddScoped<FulfilmentService>();
        builder.Services.AddScoped<OrderService>();
        builder.Services.AddScoped<RefundService>();
        builder.Services.AddScoped<OrderAdminService>();
        builder.Services.AddScoped<EsimRenewal.Core.Reporting.DashboardService>();
        builder.Services.AddScoped<Reconciler>();
        builder.Services.AddScoped<OutboxDispatcher>();
        builder.Services.AddScoped<EsimAllocator>();
        builder.Services.AddScoped<QuickRenewalService>();
        builder.Services.AddScoped<ReminderService>();
        builder.Services.AddScoped<EmailOutbox>();
        builder.Services.AddScoped<EmailComposer>();
        builder.Services.AddScoped<ICarrierGateway, SimulatedCarrierGateway>();
        builder.Services.AddOptions<EsimOptions>().Bind(builder.Configuration.GetSection(EsimOptions.Section));
        builder.Services.AddOptions<PaymentOptions>().Bind(builder.Configuration.GetSection(PaymentOptions.Section))
            .Validate(o => o.KonbiniExpiresAfterDays is >= 1 and <= 60, "Payments:KonbiniExpiresAfterDays must be 1 to 60.")
            .ValidateOnStart();

        var workers = builder.Configuration.GetSection(WorkerOptions.Section);
        builder.Services.AddOptions<WorkerOptions>().Bind(workers);
        if (workers.GetValue(nameof(WorkerOptions.Enabled), defaultValue: true))
        {
            builder.Services.AddHostedService<OutboxWorker>();
            builder.Services.AddHostedService<ReconciliationWorker>();
            builder.Services.AddHostedService<EmailWorker>();
            builder.Services.AddHostedService<ReminderWorker>();
        }

        builder.AddEsimThrottling();
        builder.AddEsimVouchers();
        builder.AddEsimEmail();
    }

    /// <summary>Applies migrations and seeds, each only when configured (on in development and compose).</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var options = app.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        await using var scope = app.Services.CreateAsyncScope();
        if (options.MigrateOnStartup)
        {
            await scope.ServiceProvider.GetRequiredService<EsimDbContext>().Database.MigrateAsync();
        }
        await scope.ServiceProvider.GetRequiredService<DemoData>().SeedAsync();
    }
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations when the portal starts. Off in production by default.</summary>
    public bool MigrateOnStartup { get; set; }
}

public static class Policies
{
    public const string Staff = "Staff";
    public const string Admin = "Admin";
}
