using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>
/// The portal configured as a real deployment is (environment Production unless told otherwise): a live
/// Stripe key against Stripe's own API (never called by these tests), its own webhook secret, one host name
/// (https://shop.test, where every client of this factory goes), one trusted proxy, and a certificate for
/// the Data Protection keys. Every setting passes <c>UnsafeSettings</c>; a test adds the one it examines.
/// </summary>
public class ProductionPortalFactory : PortalFactory
{
    public const string Host = "shop.test";
    public const string KnownProxy = "10.20.30.40";

    /// <summary>
    /// Test-only: the address the request comes from, as the network would give it (TestServer has none).
    /// A proxy's own address, in the tests that simulate one.
    /// </summary>
    public const string PeerHeader = "X-Test-Peer-Address";

    /// <summary>Test-only endpoint behind the whole pipeline: the scheme and client address the portal believes.</summary>
    public const string WhoAmIPath = "/test/whoami";

    private readonly string _environment;
    private readonly TestCertificate _certificate;

    public ProductionPortalFactory(TestDatabase database, TestCertificate certificate, string environment = "Production") : base(database)
    {
        _environment = environment;
        _certificate = certificate;
        ClientOptions.BaseAddress = new Uri("https://" + Host);
        ClientOptions.AllowAutoRedirect = false;
    }

    protected override string EnvironmentName => _environment;

    public static readonly IReadOnlyDictionary<string, string> ValidSettings = new Dictionary<string, string>
    {
        ["Stripe:ApiBase"] = "",
        ["Stripe:SecretKey"] = "sk_live_production_tests_only_never_sent",
        ["Stripe:WebhookSecret"] = "whsec_production_tests_only",
        ["AllowedHosts"] = Host,
        ["ForwardedHeaders:KnownProxies"] = KnownProxy,
        ["Workers:Enabled"] = "false",
    };

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        ValidSettings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)).Concat(
        [
            new("DataProtection:CertificateBase64", _certificate.Base64Pfx),
            new("DataProtection:CertificatePassword", _certificate.Password),
        ]);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new PeerAddressFromHeader()));
    }

    private sealed class PeerAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, proceed) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[PeerHeader], out var peer))
                {
                    context.Connection.RemoteIpAddress = peer;
                    context.Request.Headers.Remove(PeerHeader);
                }
                await proceed();
            });
            next(app);
            app.Map(WhoAmIPath, b => b.Run(context => context.Response.WriteAsync($"{context.Request.Scheme} {context.Connection.RemoteIpAddress}")));
        };
    }
}

/// <summary>A self-signed RSA certificate made for one test run, as PKCS#12 (base64) with its password.</summary>
public sealed class TestCertificate
{
    private TestCertificate(string base64Pfx, string password, string thumbprint)
    {
        Base64Pfx = base64Pfx;
        Password = password;
        Thumbprint = thumbprint;
    }

    public string Base64Pfx { get; }
    public string Password { get; }
    public string Thumbprint { get; }

    public static TestCertificate Create(string subject = "CN=EsimRenewal Data Protection (tests)")
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        return new TestCertificate(Convert.ToBase64String(certificate.Export(X509ContentType.Pfx, password)), password, certificate.Thumbprint);
    }
}
