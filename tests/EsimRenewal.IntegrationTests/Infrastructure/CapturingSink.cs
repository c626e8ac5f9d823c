using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>A Serilog sink that keeps every rendered log line (its level, message, properties and exception).</summary>
public sealed class CapturingSink : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public void Emit(LogEvent logEvent)
    {
        var properties = string.Join(" ", logEvent.Properties.Select(p => $"{p.Key}={p.Value}"));
        _lines.Enqueue($"[{logEvent.Level}] {logEvent.RenderMessage()} | {properties} | {logEvent.Exception}");
    }
}
