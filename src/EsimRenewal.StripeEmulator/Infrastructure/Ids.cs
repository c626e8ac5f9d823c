using System.Security.Cryptography;

namespace EsimRenewal.StripeEmulator.Infrastructure;

/// <summary>Stripe-looking identifiers: a prefix and random letters and digits.</summary>
public static class Ids
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix, int length = 24) =>
        prefix + RandomNumberGenerator.GetString(Alphabet, length);

    public static string Digits(int length) =>
        RandomNumberGenerator.GetString("0123456789", length);
}
