namespace SpaceSync.Emulator.Store;

/// <summary>Counts API requests per "METHOD route-template" so tests can assert how a client called the site.</summary>
public sealed class RequestStats
{
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _byRoute = new(StringComparer.Ordinal);
    private long _total;
    private long _held;

    public long Total { get { lock (_gate) return _total; } }

    /// <summary>Requests whose work is done and whose answer the hold knob delayed (counted when the hold starts).</summary>
    public long Held { get { lock (_gate) return _held; } }

    internal void RecordHeld()
    {
        lock (_gate) _held++;
    }

    /// <summary>Snapshot: key "GET /wiki/api/v2/pages/{id}" → count.</summary>
    public IReadOnlyDictionary<string, long> ByRoute
    {
        get { lock (_gate) return new SortedDictionary<string, long>(_byRoute, StringComparer.Ordinal); }
    }

    public long Count(string method, string routeTemplate)
    {
        lock (_gate) return _byRoute.GetValueOrDefault(method + " " + routeTemplate);
    }

    internal void Record(string method, string routeTemplate)
    {
        lock (_gate)
        {
            _total++;
            var key = method + " " + routeTemplate;
            _byRoute[key] = _byRoute.GetValueOrDefault(key) + 1;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _total = 0;
            _held = 0;
            _byRoute.Clear();
        }
    }
}
