using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>
/// One fresh emulator per test (xunit makes a new instance per test), reached through a <see cref="ConformanceClient"/>.
/// A fresh site keeps tests independent: ids, titles and versions never leak between them.
/// </summary>
public abstract class SiteTest : IAsyncLifetime
{
    private RunningEmulator? emulator;
    private ConformanceClient? client;

    protected abstract EmulatorFlavor Flavor { get; }

    /// <summary>Data Center servlet context ("" = served at the root).</summary>
    protected virtual string ContextPath => "";

    /// <summary>
    /// The search index's lag. Off here: these tests are about shapes, paging and CQL semantics, and search what they
    /// wrote a moment before; the lag itself has its own tests (IndexLagTests), which switch it on.
    /// </summary>
    protected virtual TimeSpan IndexLag => TimeSpan.Zero;

    protected RunningEmulator Emulator => emulator ?? throw new InvalidOperationException("Emulator not started.");

    protected ConformanceClient Client => client ?? throw new InvalidOperationException("Emulator not started.");

    public async Task InitializeAsync()
    {
        emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Flavor = Flavor, ContextPath = ContextPath, IndexLag = IndexLag });
        client = new ConformanceClient(Flavor, emulator.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        client?.Dispose();
        if (emulator is not null)
        {
            await emulator.DisposeAsync();
        }
    }

    /// <summary>A string property; fails when it is absent or not a JSON string (ids must be strings, per the README).</summary>
    protected static string Str(JsonNode? node, string property)
    {
        var value = node?[property] ?? throw new Xunit.Sdk.XunitException($"'{property}' is missing in {node?.ToJsonString()}");
        Assert.True(value.GetValueKind() == JsonValueKind.String, $"'{property}' must be a JSON string, got {value.ToJsonString()}");
        return value.GetValue<string>();
    }

    protected static int Int(JsonNode? node, string property)
    {
        var value = node?[property] ?? throw new Xunit.Sdk.XunitException($"'{property}' is missing in {node?.ToJsonString()}");
        Assert.True(value.GetValueKind() == JsonValueKind.Number, $"'{property}' must be a JSON number, got {value.ToJsonString()}");
        return value.GetValue<int>();
    }

    /// <summary>
    /// The fields a Cloud v2 page always has on a real site. The v2 document requires almost nothing, so a page missing
    /// them would validate; a syncer would then fail on real data it never met in tests.
    /// </summary>
    protected static void AssertV2Page(JsonNode? page)
    {
        Str(page, "id");
        Assert.Contains(Str(page, "status"), new[] { "current", "draft", "archived", "trashed", "historical" });
        Str(page, "title");
        Str(page, "spaceId");
        Str(page, "authorId");
        Assert.EndsWith("Z", Str(page, "createdAt"), StringComparison.Ordinal);
        Assert.True(Int(page?["version"], "number") >= 1);
        Assert.EndsWith("Z", Str(page?["version"], "createdAt"), StringComparison.Ordinal);
        Str(page?["_links"], "webui");
        if (page?["parentId"] is not null)
        {
            Str(page, "parentId");
            // A page may sit below a folder or whiteboard (docs/confluence-behaviours.md §3), never below a blog post.
            Assert.Contains(Str(page, "parentType"), new[] { "page", "folder", "whiteboard", "database", "embed" });
        }
    }

    /// <summary>
    /// The fields Data Center content always has. Its schemas have neither `required` nor `type: object`, so even
    /// `"version": "2"` would validate; this is the check that catches such shapes.
    /// </summary>
    protected static void AssertDcContent(JsonNode? content, bool versionExpanded)
    {
        Assert.Equal(JsonValueKind.Object, content?.GetValueKind());
        Str(content, "id");
        Str(content, "type");
        Str(content, "status");
        Str(content, "title");
        Assert.Equal(JsonValueKind.Object, content?["_links"]?.GetValueKind());
        Str(content?["_links"], "webui");
        Str(content?["_links"], "self");
        Assert.Equal(JsonValueKind.Object, content?["_expandable"]?.GetValueKind());
        if (versionExpanded)
        {
            Assert.Equal(JsonValueKind.Object, content?["version"]?.GetValueKind());
            Assert.True(Int(content?["version"], "number") >= 1);
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$", Str(content?["version"], "when"));
            Str(content?["version"]?["by"], "userKey");
        }
    }

    /// <summary>Sends a JSON request as another user (the client's default credentials are the admin's).</summary>
    protected Task<ConformanceResponse> SendAs(System.Net.Http.Headers.AuthenticationHeaderValue credentials, HttpMethod method, string path, JsonNode? body = null)
    {
        var request = new HttpRequestMessage(method, Client.Url(path)) { Headers = { Authorization = credentials } };
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        }

        return Client.SendAsync(request);
    }

    /// <summary>A paragraph written as <c>&lt;p&gt;text&lt;/p&gt;</c> as Cloud stores it: with the local id its editor gives it.</summary>
    protected static void AssertCloudParagraph(string text, string? stored) =>
        Assert.Matches("^<p local-id=\"[0-9a-f]{12}\">" + System.Text.RegularExpressions.Regex.Escape(text) + "</p>$", stored ?? "");

    protected static JsonArray Results(ConformanceResponse response) =>
        response.Json["results"] as JsonArray ?? throw new Xunit.Sdk.XunitException($"No 'results' array in {response.Excerpt}");

    /// <summary>A clock that stands still, so that time-dependent rules are tested at chosen instants.</summary>
    protected sealed class FixedClock : TimeProvider
    {
        private readonly DateTimeOffset now;

        public FixedClock(DateTimeOffset now) => this.now = now;

        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>
    /// CQL `lastmodified` literals for a page last modified at 10:15:30Z, read in Europe/Berlin (11:15:30 local) at
    /// minute resolution: which queries must find it (true) and which must not (false).
    /// </summary>
    protected static readonly (string Clause, bool Finds)[] LastModifiedCases =
    {
        ("lastmodified >= \"2025/03/10 11:15\"", true),
        ("lastmodified <= \"2025/03/10 11:15\"", true),   // 11:15:30 counts as 11:15
        ("lastmodified > \"2025/03/10 11:15\"", false),
        ("lastmodified < \"2025/03/10 11:15\"", false),
        ("lastmodified >= \"2025/03/10 11:16\"", false),
        ("lastmodified < \"2025/03/10 11:00\"", false),   // read as UTC it would find the page
        ("lastmodified >= \"2025-03-10 11:15\"", true),
        ("lastmodified >= \"2025/03/10\"", true),
        ("lastmodified < \"2025/03/10\"", false),
    };

    protected static readonly DateTimeOffset LastModifiedInstant = new(2025, 3, 10, 10, 15, 30, TimeSpan.Zero);

    protected static void AssertNoDuplicates(IReadOnlyList<string> ids, string what)
    {
        var duplicates = ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{what}: ids served twice across pages: {string.Join(", ", duplicates)}");
    }
}
