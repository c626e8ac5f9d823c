using QRCoder;

namespace EsimRenewal.Web.Sims;

/// <summary>QR codes of an eSIM's activation code (the LPA string a phone's camera reads), drawn on the server.</summary>
public static class ActivationQr
{
    public const string SvgMediaType = "image/svg+xml";

    public static string Svg(string activationCode) => new SvgQRCode(Data(activationCode)).GetGraphic(8);

    /// <summary>For email, where SVG images are not shown by most clients.</summary>
    public static byte[] Png(string activationCode) => new PngByteQRCode(Data(activationCode)).GetGraphic(8);

    private static QRCodeData Data(string activationCode) => QRCodeGenerator.GenerateQrCode(activationCode, QRCodeGenerator.ECCLevel.M);
}

/// <summary>What the activation panel shows: the eSIM's id (for its QR image) and its LPA string.</summary>
public sealed record EsimActivationView(Guid SimId, string ActivationCode);
