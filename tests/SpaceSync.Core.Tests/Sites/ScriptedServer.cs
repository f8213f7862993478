using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SpaceSync.Core.Tests.Sites;

/// <summary>What the scripted server saw of one request.</summary>
public sealed record RecordedRequest(
    string Method, string Path, string Query, string? Authorization, string? UserAgent, string? Accept, string Body)
{
    public string PathAndQuery => Path + Query;
}

/// <summary>One scripted answer: a status with body and headers, a dropped connection, and/or a delay.</summary>
public sealed class Reply
{
    public int Status { get; init; } = 200;
    public string? Body { get; init; }
    public string ContentType { get; init; } = "application/json";
    public Dictionary<string, string> Headers { get; init; } = new();
    /// <summary>Break the connection off in the middle of the answer (after reading the request).</summary>
    public bool Drop { get; init; }
    public TimeSpan Delay { get; init; }

    public static Reply Json(int status, string body, params (string Name, string Value)[] headers) =>
        new() { Status = status, Body = body, Headers = headers.ToDictionary(h => h.Name, h => h.Value) };

    public static Reply Ok(string body, params (string Name, string Value)[] headers) => Json(200, body, headers);

    public static Reply WithStatus(int status, params (string Name, string Value)[] headers) =>
        new() { Status = status, Body = null, Headers = headers.ToDictionary(h => h.Name, h => h.Value) };

    public static Reply Dropped() => new() { Drop = true };
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener, free port) that answers from a script and records
/// every request. Each route answers its replies in order; the last one repeats. A route whose key
/// holds '?' matches path and query exactly; otherwise the path alone. Unscripted requests get 404.
/// </summary>
public sealed class ScriptedServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Route> _routes = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> _requests = new();
    private readonly Task _loop;

    public ScriptedServer()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                _listener = listener;
                Origin = new Uri($"http://127.0.0.1:{port}");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }

        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>http://127.0.0.1:PORT (no trailing slash).</summary>
    public Uri Origin { get; }

    public Uri Url(string path) => new(Origin.AbsoluteUri.TrimEnd('/') + path);

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_requests) return _requests.ToList(); }
    }

    public IReadOnlyList<RecordedRequest> RequestsTo(string path) => Requests.Where(r => r.Path == path).ToList();

    public ScriptedServer On(string method, string pathOrPathAndQuery, params Reply[] replies)
    {
        _routes[method.ToUpperInvariant() + " " + pathOrPathAndQuery] = new Route(replies);
        return this;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        var recorded = new RecordedRequest(
            request.HttpMethod,
            request.Url!.AbsolutePath,
            request.Url.Query,
            request.Headers["Authorization"],
            request.Headers["User-Agent"],
            request.Headers["Accept"],
            body);
        lock (_requests) _requests.Add(recorded);

        var reply = Find(recorded) ?? Reply.Json(404, "{\"statusCode\":404,\"message\":\"No scripted reply for " + recorded.Method + " " + recorded.Path + "\"}");
        try
        {
            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay, _stop.Token);
            }

            if (reply.Drop)
            {
                // HttpListener cannot close a connection before answering (Abort still sends a response
                // head), so promise a body and break off inside it: the client sees the connection die.
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = 1000;
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes("{\"results\":["));
                await context.Response.OutputStream.FlushAsync();
                context.Response.Abort();
                return;
            }

            var response = context.Response;
            response.StatusCode = reply.Status;
            foreach (var header in reply.Headers)
            {
                response.AddHeader(header.Key, header.Value);
            }

            if (reply.Body != null)
            {
                var bytes = Encoding.UTF8.GetBytes(reply.Body);
                response.ContentType = reply.ContentType;
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
            }
            else
            {
                response.ContentLength64 = 0;
            }

            response.Close();
        }
        catch (Exception)
        {
            // The client went away (cancellation test) or the server is stopping.
            try { context.Response.Abort(); } catch (Exception) { }
        }
    }

    private Reply? Find(RecordedRequest request)
    {
        if (_routes.TryGetValue(request.Method + " " + request.PathAndQuery, out var exact))
        {
            return exact.Next();
        }

        return _routes.TryGetValue(request.Method + " " + request.Path, out var route) ? route.Next() : null;
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _listener.Stop(); } catch (Exception) { }
        try { _listener.Close(); } catch (Exception) { }
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (Exception) { }
        _stop.Dispose();
    }

    private sealed class Route
    {
        private readonly Reply[] _replies;
        private int _next;

        public Route(Reply[] replies)
        {
            if (replies.Length == 0) throw new ArgumentException("A route needs at least one reply.");
            _replies = replies;
        }

        public Reply Next()
        {
            var index = Interlocked.Increment(ref _next) - 1;
            return _replies[Math.Min(index, _replies.Length - 1)];
        }
    }
}
