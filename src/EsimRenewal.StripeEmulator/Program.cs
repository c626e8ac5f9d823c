namespace EsimRenewal.StripeEmulator;

/// <summary>Runs the emulator, by default on http://127.0.0.1:12111.</summary>
public static class Program
{
    public static void Main(string[] args) => EmulatorApp.Create(args).Run();
}
