using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NSwag;

namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>
/// Sends real HTTP requests to an emulator site and checks each answer against the Atlassian document that
/// describes the operation: the status must be one the operation declares, and a JSON body must validate
/// against the schema declared for that status. Checked operations are recorded in <see cref="ExercisedOperations"/>.
/// </summary>
public sealed class ConformanceClient : IDisposable
{
    /// <summary>
    /// Answers the platform gives before any operation runs, which the documents do not repeat on each operation:
    /// 401 (authentication), 429 (rate limit: "from any endpoint") and 503 (overload), per the reference README, and
    /// 413 (a request body above the site's size limit, refused by the servlet container or the edge before the
    /// operation sees it: the attachment uploads declare none).
    /// Accepted when undeclared; the body is then not schema-checked (tests assert it).
    /// </summary>
    private static readonly HashSet<int> PlatformStatuses = new() { 401, 413, 429, 503 };

    private readonly HttpClient http;

    private readonly bool recordExercised;

    /// <param name="recordExercised">False for clients that talk to something other than the emulator (the harness's own tests).</param>
    public ConformanceClient(EmulatorFlavor flavor, Uri siteBase, bool recordExercised = true)
    {
        this.recordExercised = recordExercised;
        Flavor = flavor;
        SiteBase = siteBase;
        Variant = SiteVariant.Of(flavor, siteBase);
        // Redirects are not followed: a 302 is an answer the documents describe (v1 attachment download).
        http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public EmulatorFlavor Flavor { get; }

    /// <summary>http://127.0.0.1:PORT/wiki (Cloud) or http://127.0.0.1:PORT[/context] (Data Center).</summary>
    public Uri SiteBase { get; }

    public string Variant { get; }

    /// <summary>The emulator's default administrator credentials for this flavour.</summary>
    public AuthenticationHeaderValue DefaultAuthorization => Flavor == EmulatorFlavor.Cloud
        ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin@example.com:emulator-token")))
        : new AuthenticationHeaderValue("Bearer", "emulator-pat");

    /// <summary>A site-relative path ("/api/v2/spaces", "/rest/api/content?x=1") as an absolute URL; absolute URLs pass through.</summary>
    public Uri Url(string pathOrUrl)
    {
        if (Uri.TryCreate(pathOrUrl, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal))
        {
            return absolute;
        }

        if (!pathOrUrl.StartsWith('/'))
        {
            throw new ArgumentException($"'{pathOrUrl}' must be absolute or start with '/' (relative to the site {SiteBase}).", nameof(pathOrUrl));
        }

        return new Uri(SiteBase.AbsoluteUri.TrimEnd('/') + pathOrUrl);
    }

    public Task<ConformanceResponse> GetAsync(string pathOrUrl) => SendAsync(HttpMethod.Get, pathOrUrl);

    public Task<ConformanceResponse> DeleteAsync(string pathOrUrl) => SendAsync(HttpMethod.Delete, pathOrUrl);

    public Task<ConformanceResponse> PostJsonAsync(string pathOrUrl, object body) => SendAsync(HttpMethod.Post, pathOrUrl, body);

    public Task<ConformanceResponse> PutJsonAsync(string pathOrUrl, object body) => SendAsync(HttpMethod.Put, pathOrUrl, body);

    /// <summary>Sends <paramref name="jsonBody"/> (a JsonNode, or any object System.Text.Json can write) as application/json.</summary>
    public Task<ConformanceResponse> SendAsync(HttpMethod method, string pathOrUrl, object? jsonBody = null)
    {
        var request = new HttpRequestMessage(method, Url(pathOrUrl));
        if (jsonBody is not null)
        {
            var text = jsonBody is JsonNode node ? node.ToJsonString() : JsonSerializer.Serialize(jsonBody);
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }

        return SendAsync(request);
    }

    /// <summary>Sends a prepared request (default credentials added unless it carries its own) and checks the answer.</summary>
    public async Task<ConformanceResponse> SendAsync(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        var located = OperationMatcher.Locate(Flavor, SiteBase, request.RequestUri)
            ?? throw new ConformanceException($"{request.Method} {request.RequestUri}: no Atlassian document covers this URL on a {Variant} site at {SiteBase}. Use RawAsync for non-API URLs.");
        var document = await ApiDocuments.GetAsync(located.Document).ConfigureAwait(false);
        var matched = OperationMatcher.Match(document, request.Method.Method, located.DocumentPath)
            ?? throw new ConformanceException($"{request.Method} {request.RequestUri}: {ApiDocuments.ShortName(located.Document)} has no {request.Method} operation whose path matches '{located.DocumentPath}'.");
        var key = new OperationKey(located.Document, request.Method.Method.ToUpperInvariant(), matched.Template);

        var response = await RawAsync(request).ConfigureAwait(false);
        Check(key, matched.Operation, request, response);
        if (recordExercised)
        {
            ExercisedOperations.Record(Variant, key);
        }

        return response with { Operation = key };
    }

    /// <summary>Sends without any document check (for URLs no document describes, such as a Data Center download link).</summary>
    public async Task<ConformanceResponse> RawAsync(HttpRequestMessage request)
    {
        request.Headers.Authorization ??= DefaultAuthorization;
        if (request.Headers.Accept.Count == 0)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }

        using var response = await http.SendAsync(request).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return new ConformanceResponse(
            request.Method,
            request.RequestUri!,
            (int)response.StatusCode,
            response.Headers,
            response.Content.Headers,
            bytes,
            null);
    }

    public void Dispose() => http.Dispose();

    private static void Check(OperationKey key, OpenApiOperation operation, HttpRequestMessage request, ConformanceResponse response)
    {
        var status = response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!operation.ActualResponses.TryGetValue(status, out var declared) && !operation.ActualResponses.TryGetValue("default", out declared))
        {
            if (PlatformStatuses.Contains(response.Status))
            {
                return;
            }

            throw new ConformanceException(
                $"{key}: {request.Method} {request.RequestUri} answered {response.Status}, which the document does not declare " +
                $"(declared: {string.Join(", ", operation.ActualResponses.Keys)}).{Environment.NewLine}Body: {response.Excerpt}");
        }

        var media = declared.ActualResponse.Content.FirstOrDefault(c => c.Key.Contains("json", StringComparison.OrdinalIgnoreCase)).Value;
        if (media?.Schema is null)
        {
            return;
        }

        var contentType = response.ContentHeaders.ContentType?.MediaType ?? "(none)";
        if (!contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConformanceException($"{key}: {request.Method} {request.RequestUri} answered {response.Status} with Content-Type {contentType}; the document declares a JSON body.");
        }

        var errors = media.Schema.Validate(response.Body);
        if (errors.Count > 0)
        {
            var lines = SchemaErrors.Flatten(errors, response.Body);
            throw new ConformanceException(
                $"{key}: {request.Method} {request.RequestUri} answered {response.Status} with a body that does not validate against the document:" +
                Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", lines) +
                Environment.NewLine + "Body: " + response.Excerpt);
        }
    }
}

/// <summary>An answer, already read, with the document operation it was checked against (null for raw requests).</summary>
public sealed record ConformanceResponse(
    HttpMethod Method,
    Uri Url,
    int Status,
    HttpResponseHeaders Headers,
    HttpContentHeaders ContentHeaders,
    byte[] Bytes,
    OperationKey? Operation)
{
    public string Body => Encoding.UTF8.GetString(Bytes);

    /// <summary>The body parsed as JSON; fails the test with the body quoted if it is not JSON.</summary>
    public JsonNode Json
    {
        get
        {
            try
            {
                return JsonNode.Parse(Body) ?? throw new ConformanceException($"{Method} {Url}: body is JSON null.");
            }
            catch (JsonException e)
            {
                throw new ConformanceException($"{Method} {Url}: body is not JSON ({e.Message}): {Excerpt}");
            }
        }
    }

    public string Excerpt => Body.Length <= 600 ? Body : Body[..600] + "...";

    /// <summary>Asserts the status, quoting the body when it differs (so a failure says why).</summary>
    public ConformanceResponse Expect(int status)
    {
        if (Status != status)
        {
            throw new ConformanceException($"{Method} {Url}: expected {status}, got {Status}. Body: {Excerpt}");
        }

        return this;
    }
}

public sealed class ConformanceException : Exception
{
    public ConformanceException(string message)
        : base(message)
    {
    }
}
