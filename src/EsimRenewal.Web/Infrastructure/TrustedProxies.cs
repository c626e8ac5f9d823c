using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>
/// Configuration section <c>ForwardedHeaders</c>: the proxies (TLS-terminating load balancer, ingress)
/// whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed. Loopback is always trusted;
/// headers from any other address are ignored, so a client cannot claim HTTPS or another address.
/// Each setting is a list (<c>ForwardedHeaders:KnownProxies:0</c>, …) or one comma-separated value
/// (<c>ForwardedHeaders__KnownProxies=10.0.0.5,10.0.0.6</c>).
/// </summary>
public static class TrustedProxies
{
    public const string Section = "ForwardedHeaders";
    public const string KnownProxiesKey = Section + ":KnownProxies";
    public const string KnownNetworksKey = Section + ":KnownNetworks";

    /// <summary>The configured proxies and networks, and a description of every value that does not parse.</summary>
    public static (IReadOnlyList<IPAddress> Proxies, IReadOnlyList<System.Net.IPNetwork> Networks, IReadOnlyList<string> Problems) Read(IConfiguration configuration)
    {
        var problems = new List<string>();
        var proxies = new List<IPAddress>();
        foreach (var value in Values(configuration.GetSection(KnownProxiesKey)))
        {
            if (IPAddress.TryParse(value, out var address))
            {
                proxies.Add(address);
            }
            else
            {
                problems.Add($"{KnownProxiesKey}: '{value}' is not an IP address");
            }
        }
        var networks = new List<System.Net.IPNetwork>();
        foreach (var value in Values(configuration.GetSection(KnownNetworksKey)))
        {
            if (System.Net.IPNetwork.TryParse(value, out var network))
            {
                networks.Add(network);
            }
            else
            {
                problems.Add($"{KnownNetworksKey}: '{value}' is not a network in CIDR notation (e.g. 10.0.0.0/8)");
            }
        }
        return (proxies, networks, problems);
    }

    /// <summary>X-Forwarded-For and X-Forwarded-Proto from loopback and the configured proxies; all else ignored.</summary>
    public static void Configure(ForwardedHeadersOptions options, IConfiguration configuration)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        var (proxies, networks, _) = Read(configuration);
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(proxy);
        }
        foreach (var network in networks)
        {
            options.KnownIPNetworks.Add(network);
        }
    }

    private static IEnumerable<string> Values(IConfigurationSection section)
    {
        var values = section.Value is { } single
            ? single.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(c => c.Value?.Trim() ?? "");
        return values.Where(v => v.Length > 0);
    }
}
