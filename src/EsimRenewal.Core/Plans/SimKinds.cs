namespace EsimRenewal.Core.Plans;

public enum SimKind
{
    Physical,
    Esim,
}

/// <summary>The SIM kinds a plan fits.</summary>
[Flags]
public enum SimKinds
{
    None = 0,
    Physical = 1,
    Esim = 2,
    Both = Physical | Esim,
}

public static class SimKindExtensions
{
    public static SimKinds AsFlag(this SimKind kind) => kind == SimKind.Physical ? SimKinds.Physical : SimKinds.Esim;
}
