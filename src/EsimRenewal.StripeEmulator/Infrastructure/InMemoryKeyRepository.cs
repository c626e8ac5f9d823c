using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace EsimRenewal.StripeEmulator.Infrastructure;

/// <summary>
/// Data Protection keys (for the checkout page's antiforgery tokens) kept in memory: the emulator's
/// state dies with the process, so its keys may too, and nothing is written to the user's home.
/// </summary>
public sealed class InMemoryKeyRepository : IXmlRepository
{
    private readonly Lock _gate = new();
    private readonly List<XElement> _elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_gate)
        {
            return _elements.Select(element => new XElement(element)).ToList();
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_gate)
        {
            _elements.Add(new XElement(element));
        }
    }
}
