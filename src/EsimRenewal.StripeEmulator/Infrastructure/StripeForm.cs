using System.Globalization;

namespace EsimRenewal.StripeEmulator.Infrastructure;

/// <summary>
/// Stripe's form encoding read into a tree: <c>line_items[0][price_data][currency]=jpy</c> becomes
/// <c>line_items → 0 → price_data → currency</c>. Arrays are maps whose keys are indexes
/// (<c>a[0]</c>, <c>a[1]</c>, or <c>a[]</c> appended). Stripe.net sends the brackets unencoded;
/// encoded ones (<c>%5B</c>) are decoded first and read the same.
/// </summary>
public sealed class FormNode
{
    private readonly Dictionary<string, FormNode>? _children;

    private FormNode(string path, string? value, bool isMap)
    {
        Path = path;
        Value = value;
        _children = isMap ? new Dictionary<string, FormNode>(StringComparer.Ordinal) : null;
    }

    /// <summary>The parameter name as Stripe reports it in <c>param</c>, e.g. <c>line_items[0][quantity]</c>.</summary>
    public string Path { get; }

    /// <summary>The value of a leaf; null for a map.</summary>
    public string? Value { get; }

    public bool IsMap => _children is not null;

    public IEnumerable<string> Keys => _children?.Keys ?? Enumerable.Empty<string>();

    public static FormNode Parse(string? encoded)
    {
        var root = new FormNode(string.Empty, null, isMap: true);
        if (string.IsNullOrEmpty(encoded))
        {
            return root;
        }

        foreach (var pair in encoded.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
            root.Add(SplitKey(key), 0, value);
        }

        return root;
    }

    public FormNode? this[string key] => _children is not null && _children.TryGetValue(key, out var child) ? child : null;

    /// <summary>A present, non-empty leaf's value; null when absent or empty. A map here is an error.</summary>
    public string? OptionalString(string key)
    {
        var child = this[key];
        if (child is null)
        {
            return null;
        }

        if (child.IsMap)
        {
            throw StripeApiException.Invalid($"Invalid string: {{...}}", child.Path);
        }

        return child.Value!.Length == 0 ? null : child.Value;
    }

    public string RequiredString(string key) =>
        OptionalString(key) ?? throw StripeApiException.Missing(ChildPath(key));

    /// <summary>An integer parameter, checked against a lower bound like Stripe does.</summary>
    public long? OptionalInteger(string key, long? minimum = null)
    {
        var text = OptionalString(key);
        if (text is null)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            throw StripeApiException.InvalidInteger(ChildPath(key), text);
        }

        if (minimum is { } min && number < min)
        {
            throw StripeApiException.Invalid(
                $"This value must be greater than or equal to {min}.", ChildPath(key), "parameter_invalid_integer");
        }

        return number;
    }

    public long RequiredInteger(string key, long? minimum = null) =>
        OptionalInteger(key, minimum) ?? throw StripeApiException.Missing(ChildPath(key));

    /// <summary>A hash parameter (<c>metadata[...]</c>); absent gives null.</summary>
    public FormNode? OptionalMap(string key)
    {
        var child = this[key];
        if (child is null)
        {
            return null;
        }

        if (!child.IsMap)
        {
            // An empty string is how Stripe clients unset a hash.
            return child.Value!.Length == 0 ? null : throw StripeApiException.Invalid("Invalid hash", child.Path);
        }

        return child;
    }

    /// <summary>An array parameter, its items in index order; absent gives an empty list.</summary>
    public IReadOnlyList<FormNode> List(string key)
    {
        var child = OptionalMap(key);
        if (child is null)
        {
            return [];
        }

        var items = new List<(long Index, FormNode Node)>();
        foreach (var (index, node) in child._children!)
        {
            if (!long.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                throw StripeApiException.Invalid("Invalid array", child.Path);
            }

            items.Add((number, node));
        }

        return items.OrderBy(item => item.Index).Select(item => item.Node).ToList();
    }

    /// <summary>An array of strings (<c>payment_method_types[0]=card</c>).</summary>
    public IReadOnlyList<string> StringList(string key) =>
        List(key).Select(item => item.IsMap ? throw StripeApiException.Invalid("Invalid array", item.Path) : item.Value!).ToList();

    /// <summary>A hash of strings (<c>metadata[order_id]=42</c>).</summary>
    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var map = OptionalMap(key);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (map is null)
        {
            return result;
        }

        foreach (var (name, node) in map._children!)
        {
            if (node.IsMap)
            {
                throw StripeApiException.Invalid("Invalid string: {...}", node.Path);
            }

            if (node.Value!.Length > 0)
            {
                result[name] = node.Value;
            }
        }

        return result;
    }

    public string ChildPath(string key) => Path.Length == 0 ? key : $"{Path}[{key}]";

    private void Add(IReadOnlyList<string> segments, int depth, string value)
    {
        var key = segments[depth];
        if (key.Length == 0 && depth > 0)
        {
            key = _children!.Count.ToString(CultureInfo.InvariantCulture);
        }

        var path = ChildPath(key);
        var last = depth == segments.Count - 1;
        _children!.TryGetValue(key, out var existing);

        if (last)
        {
            if (existing is { IsMap: true })
            {
                throw StripeApiException.Invalid("Invalid hash", path);
            }

            _children[key] = new FormNode(path, value, isMap: false);
            return;
        }

        if (existing is { IsMap: false })
        {
            throw StripeApiException.Invalid("Invalid hash", path);
        }

        if (existing is null)
        {
            existing = new FormNode(path, null, isMap: true);
            _children[key] = existing;
        }

        existing.Add(segments, depth + 1, value);
    }

    private static List<string> SplitKey(string key)
    {
        var open = key.IndexOf('[', StringComparison.Ordinal);
        if (open <= 0 || !key.EndsWith(']'))
        {
            return [key];
        }

        var segments = new List<string> { key[..open] };
        var rest = key[open..];
        while (rest.Length > 0)
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (rest[0] != '[' || close < 0)
            {
                return [key];
            }

            segments.Add(rest[1..close]);
            rest = rest[(close + 1)..];
        }

        return segments;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
