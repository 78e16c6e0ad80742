using QRCoder;

namespace Auth.Platform.Mfa.Totp;

/// <summary>The enrolment QR code as a PNG data URI, what Logto's <c>secretQrCode</c> holds (an <c>img src</c> as is).</summary>
public static class TotpQrCode
{
    public static string DataUri(string otpAuthUri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpAuthUri, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
