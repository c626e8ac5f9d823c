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
using EsimRenewal.Web.Plans;
using EsimRenewal.Web.Infrastructure.Localization;
using EsimRenewal.Web.Legal;
using EsimRenewal.Web.Notifications;
using EsimRenewal.Web.Seeding;
using EsimRenewal.Web.Vouchers;
using FluentValidation;
using EsimRenewal.Core.Throttling;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.WebEncoders;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>The composition of the portal, one method per concern, called from Program.cs.</summary>
public static class HostingExtensions
{
    /// <summary>200 when the database answers; reachable over plain HTTP for load balancers.</summary>
    public const string HealthPath = "/healthz";

    public static void AddEsimData(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(EsimDatabase.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{EsimDatabase.ConnectionStringName} is not set. ./run.sh sets it for the local cluster.");
        }
        // One pool serves both the request-scoped context and the factory (for work on its own connection).
        // Unless the connection string sets its own: bounded waits (an unreachable database fails a request in seconds),
        // prepared statements and no reset of a pooled connection's session (EsimDatabase.WithDefaults).
        var withDefaults = EsimDatabase.WithDefaults(connectionString);
        builder.Services.AddPooledDbContextFactory<EsimDbContext>(options => EsimDatabase.Configure(options, withDefaults));
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<EsimDbContext>>().CreateDbContext());
        builder.Services.AddOptions<DatabaseOptions>().Bind(builder.Configuration.GetSection(DatabaseOptions.Section)).ValidateOnStart();
        builder.Services.AddOptions<SeedOptions>().Bind(builder.Configuration.GetSection(SeedOptions.Section))
            .Validate(SeedOptions.IsValid, "Seed:AdminPassword is required (at least 12 characters) when Seed:AdminEmail is set.")
            .ValidateOnStart();
        // Keys in PostgreSQL (shared by every instance), encrypted at rest with the configured certificate
        // (required outside Development: UnsafeSettings), so a database dump alone cannot mint cookies.
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("EsimRenewal").PersistKeysToDbContext<EsimDbContext>();
        if (DataProtectionCertificate.Load(builder.Configuration, out _) is { } certificate)
        {
            dataProtection.ProtectKeysWithCertificate(certificate);
        }
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddScoped<DemoData>();
    }

    public static void AddEsimIdentity(this WebApplicationBuilder builder)
    {
        // Identity's lockout of an account after failed sign-ins takes the limiter's numbers for sign-ins, which an
        // identifier that matches no account meets as well (see AttemptLimitOptions.SignIn).
        var signInLimit = (builder.Configuration.GetSection(AttemptLimitOptions.Section).Get<AttemptLimitOptions>() ?? new AttemptLimitOptions()).SignIn;
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
                options.Lockout.MaxFailedAccessAttempts = signInLimit.MaxFailures;
                options.Lockout.DefaultLockoutTimeSpan = signInLimit.HoldBack;
                options.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<EsimDbContext>()
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>()
            .AddPasswordValidator<CommonPasswordValidator>()
            .AddDefaultTokenProviders();
        builder.Services.AddSingleton(CommonPasswords.Load());
        builder.Services.AddScoped<DummyPasswordCheck>();
        builder.Services.AddScoped<TwoFactorService>();

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
            StaffSessions.Configure(options); // staff and admins: 12 hours at most
        });

        // Roles and locks reach signed-in sessions within a minute: the cookie's principal is rebuilt from the
        // database, and a changed security stamp (a lock, a password change) ends the session.
        builder.Services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(1);
            o.OnRefreshingPrincipal = StaffSessions.KeepTwoFactorClaim;
        });
        builder.Services.AddSingleton<InvitationTokens>();
        builder.Services.AddScoped<UserAdminService>();

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Staff, Roles.Admin))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.AdminTwoFactor, p => p.RequireRole(Roles.Admin).AddRequirements(new TwoFactorRequirement()));
        builder.Services.AddScoped<IAuthorizationHandler, TwoFactorRequirementHandler>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, TwoFactorAuthorizationResultHandler>();
    }

    public static void AddEsimWeb(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        // Chinese and Japanese text as characters, not numeric entities.
        builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/Sims");
            options.Conventions.AuthorizePage("/Account/Logout");
            options.Conventions.AuthorizeFolder("/Orders");
            options.Conventions.AllowAnonymousToPage("/Orders/Details"); // the signed link of a guest's order; the page checks

            options.Conventions.AuthorizeFolder("/Staff", Policies.Staff);
            options.Conventions.AuthorizeFolder("/Admin", Policies.Admin);
            // Voucher codes and account rights need an admin signed in with two factors (the refund handler too, by its attribute).
            options.Conventions.AuthorizeFolder("/Admin/Vouchers", Policies.AdminTwoFactor);
            options.Conventions.AuthorizeFolder("/Admin/Users", Policies.AdminTwoFactor);
            // An admin's change to plans shows on this instance's storefront at once (other instances hear PostgreSQL).
            options.Conventions.AddFolderApplicationModelConvention("/Admin/Plans", model => model.Filters.Add(new EvictCatalogueAfterChangeFilter()));
        })
        .AddMvcOptions(o =>
        {
            o.Filters.Add<TwoFactorHandlerFilter>();
            o.Filters.Add<UnknownHandlerFilter>();
        })
        // Forms validate on the server only (they carry novalidate): no data-val-* attributes, whose
        // messages the framework writes in English ("The RememberMe field is required.").
        .AddViewOptions(o => o.HtmlHelperOptions.ClientValidationEnabled = false)
        .AddViewLocalization()
        .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));
        builder.Services.AddLocalizedBindingMessages();
        builder.Services.AddSingleton<CookieTempDataProvider>();
        builder.Services.AddSingleton<ITempDataProvider, QuietTempDataProvider>();

        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "esim.af";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.Configure<ForwardedHeadersOptions>(o => TrustedProxies.Configure(o, builder.Configuration));
        // Outside Development: every cookie Secure (auth, antiforgery, culture, quick-renewal ticket, TempData),
        // HSTS for a year, and plain HTTP redirected to the public address's HTTPS port.
        builder.Services.Configure<CookiePolicyOptions>(o =>
            o.Secure = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always);
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        builder.Services.AddHttpsRedirection(o =>
        {
            o.RedirectStatusCode = StatusCodes.Status308PermanentRedirect;
            o.HttpsPort = Uri.TryCreate(builder.Configuration[$"{SiteOptions.Section}:{nameof(SiteOptions.PublicBaseUrl)}"], UriKind.Absolute, out var site)
                && site.Scheme == Uri.UriSchemeHttps ? site.Port : 443;
        });
        builder.AddEsimCatalogueCache();
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
        builder.Services.AddSingleton<BuyerGates>();
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
            .Validate(o => o.MaxOpenCheckouts is >= 1 and <= 100, "Payments:MaxOpenCheckouts must be 1 to 100.")
            .Validate(o => o.BuyerLockWait >= TimeSpan.FromMilliseconds(100) && o.BuyerLockWait <= TimeSpan.FromMinutes(1), "Payments:BuyerLockWait must be 100 ms to 1 minute.")
            .Validate(o => o.KonbiniGracePeriod >= TimeSpan.Zero && o.ReconcileGiveUpAfter > o.KonbiniGracePeriod,
                "Payments:KonbiniGracePeriod must not be negative, and Payments:ReconcileGiveUpAfter must be longer than it.")
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

    /// <summary>
    /// The output cache of anonymous catalogue pages (Plans/CatalogueCache.cs), on unless
    /// <c>Performance:OutputCache=false</c>; its eviction services exist either way (admin pages call them).
    /// </summary>
    public static void AddEsimCatalogueCache(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PerformanceOptions>().Bind(builder.Configuration.GetSection(PerformanceOptions.Section));
        builder.Services.AddOutputCache(o =>
        {
            o.SizeLimit = 32 * 1024 * 1024; // a few thousand pages; bounded so the portal's memory stays small
            o.AddPolicy(CatalogueCache.PolicyName, new CataloguePagePolicy()); // on its own, without the default policy
        });
        builder.Services.AddSingleton<CatalogueCache>();
        if (OutputCacheEnabled(builder.Configuration))
        {
            builder.Services.AddHostedService<CatalogueChangeListener>();
        }
    }

    public static bool OutputCacheEnabled(IConfiguration configuration) =>
        configuration.GetValue($"{PerformanceOptions.Section}:{nameof(PerformanceOptions.OutputCache)}", defaultValue: true);

    /// <summary>Applies migrations and seeds, each only when configured (on in development and compose).</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var options = app.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        await using var scope = app.Services.CreateAsyncScope();
        if (options.MigrateOnStartup)
        {
            var database = scope.ServiceProvider.GetRequiredService<EsimDbContext>().Database;
            database.SetCommandTimeout(TimeSpan.FromMinutes(10)); // a migration may rewrite a large table
            await database.MigrateAsync();
        }
        await scope.ServiceProvider.GetRequiredService<DemoData>().SeedAsync();
        scope.ServiceProvider.GetRequiredService<DummyPasswordCheck>().Warm();
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

    /// <summary>An admin whose session signed in with two factors: voucher codes, refunds, accounts' roles and locks, invitations.</summary>
    public const string AdminTwoFactor = "AdminTwoFactor";
}
