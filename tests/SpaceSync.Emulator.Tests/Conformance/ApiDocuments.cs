using NSwag;

namespace SpaceSync.Emulator.Tests.Conformance;

/// <summary>The three Atlassian documents the emulator's answers are checked against.</summary>
public enum ApiDocument
{
    /// <summary>Confluence Cloud REST v2; its paths are relative to /wiki/api/v2.</summary>
    CloudV2,

    /// <summary>Confluence Cloud REST v1; its paths start with /wiki/rest/api.</summary>
    CloudV1,

    /// <summary>Confluence Data Center 10.0.3; its paths start with /rest/api, below the context path.</summary>
    DataCenter,
}

/// <summary>Loads each trimmed document once per test run (a load costs 0.2-0.6 s; validation under 1 ms).</summary>
public static class ApiDocuments
{
    private static readonly Dictionary<ApiDocument, Lazy<Task<OpenApiDocument>>> Loaded = Enum.GetValues<ApiDocument>()
        .ToDictionary(d => d, d => new Lazy<Task<OpenApiDocument>>(() => LoadAsync(d)));

    public static Task<OpenApiDocument> GetAsync(ApiDocument document) => Loaded[document].Value;

    public static string FileName(ApiDocument document) => document switch
    {
        ApiDocument.CloudV2 => "cloud-v2.json",
        ApiDocument.CloudV1 => "cloud-v1.json",
        ApiDocument.DataCenter => "datacenter.json",
        _ => throw new ArgumentOutOfRangeException(nameof(document), document, null),
    };

    /// <summary>Short name used in served-operations.txt and in messages.</summary>
    public static string ShortName(ApiDocument document) => document switch
    {
        ApiDocument.CloudV2 => "cloud-v2",
        ApiDocument.CloudV1 => "cloud-v1",
        ApiDocument.DataCenter => "datacenter",
        _ => throw new ArgumentOutOfRangeException(nameof(document), document, null),
    };

    public static ApiDocument FromShortName(string name) => name switch
    {
        "cloud-v2" => ApiDocument.CloudV2,
        "cloud-v1" => ApiDocument.CloudV1,
        "datacenter" => ApiDocument.DataCenter,
        _ => throw new ArgumentException($"Unknown document '{name}' (cloud-v2, cloud-v1, datacenter).", nameof(name)),
    };

    private static async Task<OpenApiDocument> LoadAsync(ApiDocument document)
    {
        // Copied to the output by the project file; never read from outside the project.
        var path = Path.Combine(AppContext.BaseDirectory, "OpenApi", FileName(document));
        return await OpenApiDocument.FromJsonAsync(await File.ReadAllTextAsync(path)).ConfigureAwait(false);
    }
}
