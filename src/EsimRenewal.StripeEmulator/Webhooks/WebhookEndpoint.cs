using Microsoft.Extensions.Options;

namespace EsimRenewal.StripeEmulator.Webhooks;

/// <summary>The delivery switches for tests: copies of each event, a delay, or holding events back.</summary>
public sealed record DeliverySwitches(int Copies, TimeSpan Delay, bool Hold)
{
    public static readonly DeliverySwitches Normal = new(1, TimeSpan.Zero, false);
}

public sealed record WebhookTarget(string? Url, string Secret);

/// <summary>
/// Where events go and how, changeable at run time through /_emulator. Starts from configuration
/// (<c>Emulator:WebhookUrl</c>, <c>Emulator:WebhookSecret</c>) and returns to it on reset.
/// </summary>
public sealed class WebhookEndpoint(IOptions<EmulatorOptions> options)
{
    private readonly Lock _gate = new();
    private WebhookTarget? _target;
    private DeliverySwitches _switches = DeliverySwitches.Normal;

    public WebhookTarget Target
    {
        get
        {
            lock (_gate)
            {
                return _target ??= FromConfiguration();
            }
        }
    }

    public DeliverySwitches Switches
    {
        get
        {
            lock (_gate)
            {
                return _switches;
            }
        }
    }

    public void SetTarget(string? url, string? secret)
    {
        lock (_gate)
        {
            var current = _target ?? FromConfiguration();
            _target = new WebhookTarget(string.IsNullOrWhiteSpace(url) ? null : url, secret ?? current.Secret);
        }
    }

    public void SetSwitches(DeliverySwitches switches)
    {
        lock (_gate)
        {
            _switches = switches;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _target = FromConfiguration();
            _switches = DeliverySwitches.Normal;
        }
    }

    private WebhookTarget FromConfiguration() => new(
        string.IsNullOrWhiteSpace(options.Value.WebhookUrl) ? null : options.Value.WebhookUrl,
        options.Value.WebhookSecret);
}
