using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>
/// Configuration section <c>DataProtection</c>: the certificate that encrypts the Data Protection keys
/// at rest in PostgreSQL (the keys behind auth and antiforgery cookies, quick-renewal tickets and
/// invitation links). Without it a database dump alone would be enough to mint an admin's cookie.
/// A PKCS#12 (.pfx) file with an RSA private key, given as a path (<c>CertificatePath</c>, e.g. a mounted
/// secret) or as base64 (<c>CertificateBase64</c>, e.g. from a secret store), with its password
/// (<c>CertificatePassword</c>). Required outside Development.
/// </summary>
public static class DataProtectionCertificate
{
    public const string Section = "DataProtection";
    public const string PathKey = Section + ":CertificatePath";
    public const string Base64Key = Section + ":CertificateBase64";
    public const string PasswordKey = Section + ":CertificatePassword";

    /// <summary>Whether a certificate is configured at all (by path or as base64).</summary>
    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[PathKey]) || !string.IsNullOrWhiteSpace(configuration[Base64Key]);

    /// <summary>The configured certificate, or null with the reason it cannot be used (null and no reason: none configured).</summary>
    public static X509Certificate2? Load(IConfiguration configuration, out string? problem)
    {
        problem = null;
        var path = configuration[PathKey];
        var base64 = configuration[Base64Key];
        var password = configuration[PasswordKey];
        if (string.IsNullOrWhiteSpace(path) && string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }
        if (!string.IsNullOrWhiteSpace(path) && !string.IsNullOrWhiteSpace(base64))
        {
            problem = $"{PathKey} and {Base64Key} are both set: give the certificate one way only";
            return null;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = string.IsNullOrWhiteSpace(path)
                ? X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(base64!.Trim()), password)
                : X509CertificateLoader.LoadPkcs12FromFile(path.Trim(), password);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or FormatException)
        {
            // The reason, never the password or the certificate's bytes.
            problem = string.IsNullOrWhiteSpace(path)
                ? $"{Base64Key} is not a readable PKCS#12 certificate with this {PasswordKey} ({ex.GetType().Name})"
                : $"{PathKey} '{path.Trim()}' is not a readable PKCS#12 certificate with this {PasswordKey} ({ex.GetType().Name})";
            return null;
        }
        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is null)
        {
            problem = $"the certificate in {(string.IsNullOrWhiteSpace(path) ? Base64Key : PathKey)} has no RSA private key (it must decrypt the keys it encrypts)";
            certificate.Dispose();
            return null;
        }
        return certificate;
    }
}
