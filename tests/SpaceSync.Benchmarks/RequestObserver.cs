using System.Diagnostics;

namespace SpaceSync.Benchmarks;

/// <summary>
/// The third count of requests: every HTTP request this process sends, seen through HttpClient's diagnostic events
/// (System.Net.Http.Request), minus the benchmark's own calls to the emulators' control surface. It also tells the
/// change queries apart (CQL <c>lastmodified &gt;=</c>, Cloud v2 <c>sort=-modified-date</c>), which the issue's
/// k-change goal is stated in.
/// </summary>
public sealed class RequestObserver : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly List<IDisposable> _subscriptions = new();
    private IDisposable? _all;
    private long _requests;
    private long _changeQueries;

    public long Requests => Interlocked.Read(ref _requests);
    public long ChangeQueries => Interlocked.Read(ref _changeQueries);

    public static RequestObserver Start()
    {
        var observer = new RequestObserver();
        observer._all = DiagnosticListener.AllListeners.Subscribe(observer);
        return observer;
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _changeQueries, 0);
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name != "HttpHandlerDiagnosticListener") return;
        lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this, name => name == "System.Net.Http.Request"));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != "System.Net.Http.Request" || value.Value is null) return;
        if (value.Value.GetType().GetProperty("Request")?.GetValue(value.Value) is not HttpRequestMessage { RequestUri: { } uri }) return;
        if (uri.AbsolutePath.StartsWith("/__emulator/", StringComparison.Ordinal)) return;
        Interlocked.Increment(ref _requests);
        if (IsChangeQuery(uri)) Interlocked.Increment(ref _changeQueries);
    }

    /// <summary>A CQL search by last modification (Data Center pages, files, comments) or Cloud's modified-date listing.</summary>
    public static bool IsChangeQuery(Uri uri)
    {
        var query = Uri.UnescapeDataString(uri.Query.Replace('+', ' '));
        return query.Contains("lastmodified >", StringComparison.OrdinalIgnoreCase) ||
               query.Contains("sort=-modified-date", StringComparison.Ordinal);
    }

    public void OnCompleted() { }
    public void OnError(Exception error) { }

    public void Dispose()
    {
        _all?.Dispose();
        lock (_subscriptions) foreach (var s in _subscriptions) s.Dispose();
    }
}
