using Xunit;
using SpaceSync.Core.Scope;

namespace SpaceSync.Core.Tests.Scope;

/// <summary>Paths of the scope files under Scope/Fixtures, copied next to the test assembly.</summary>
internal static class ScopeFixtures
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Scope", "Fixtures");

    public static string Valid(string name) => Path.Combine(Folder, "Valid", name);

    public static string Invalid(string name) => Path.Combine(Folder, "Invalid", name);

    /// <summary>Parses text expected to be invalid and returns the errors.</summary>
    public static IReadOnlyList<ScopeError> Errors(string yaml, string file = "/scopes/test.yaml")
    {
        var ex = Assert.Throws<ScopeException>(() => ScopeParser.Parse(yaml, file));
        return ex.Errors;
    }

    /// <summary>A minimal valid scope with the given spaces block (YAML, indented as under `spaces:`).</summary>
    public static string Minimal(string spaces = "  - key: ENG\n    owner: eng@acme.com\n", string extra = "") =>
        "version: 1\n" +
        "sites:\n" +
        "  cloud:\n" +
        "    url: https://acme.atlassian.net/wiki\n" +
        "    auth:\n" +
        "      type: basic\n" +
        "      user: sync-bot@acme.com\n" +
        "      token: env:SPACESYNC_CLOUD_TOKEN\n" +
        "  datacenter:\n" +
        "    url: https://wiki.acme.internal/confluence\n" +
        "    auth:\n" +
        "      type: bearer\n" +
        "      token: env:SPACESYNC_DC_TOKEN\n" +
        extra +
        "spaces:\n" +
        spaces;
}
