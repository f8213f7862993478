using System.Text.Json;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using Xunit;

namespace SpaceSync.Core.Tests.Logging;

public sealed class EngineLogTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "spacesync-log-" + Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private string[] LogLines() =>
        Directory.GetFiles(_folder, "*.json").SelectMany(File.ReadAllLines).Where(l => l.Length > 0).ToArray();

    [Fact]
    public void The_host_gets_debug_events_when_it_asks_while_the_file_keeps_its_level()
    {
        var host = new List<(EngineLogLevel, string)>();
        using (var log = EngineLog.Create(new LoggingSettings { Path = Path.Combine(_folder, "spacesync-.json") }, (l, t) => host.Add((l, t)),
                   hostLevel: EngineLogLevel.Debug))
        {
            log.Debug("HTTP {Request:l}", "Cloud GET /wiki/api/v2/pages: 200 in 3 ms");
            log.Information("Synced");
        }

        Assert.Equal(new[] { (EngineLogLevel.Debug, "HTTP Cloud GET /wiki/api/v2/pages: 200 in 3 ms"), (EngineLogLevel.Information, "Synced") }, host);
        Assert.Single(LogLines()); // the file stays at Information, the scope's default
    }

    [Fact]
    public void Writes_compact_json_to_a_rolling_file_and_text_to_the_host()
    {
        var host = new List<(EngineLogLevel, string)>();
        using (var log = EngineLog.Create(new LoggingSettings { Path = Path.Combine(_folder, "spacesync-.json") }, (l, t) => host.Add((l, t))))
        {
            log.Information("Synced {Count} pages of {Space}", 12, "ENG");
            log.Debug("Not at Information level");
            log.Warning("Slow site {Site}", "Cloud");
        }

        var lines = LogLines();
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("Synced {Count} pages of {Space}", first.RootElement.GetProperty("@mt").GetString());
        Assert.Equal(12, first.RootElement.GetProperty("Count").GetInt32());
        Assert.Matches(@"spacesync-\d{8}\.json$", Directory.GetFiles(_folder).Single());
        Assert.Equal(new[] { (EngineLogLevel.Information, "Synced 12 pages of \"ENG\""), (EngineLogLevel.Warning, "Slow site \"Cloud\"") }, host);
    }

    [Fact]
    public void Registered_secrets_never_reach_the_file_or_the_host()
    {
        const string token = "ATATT3xFfGF0-secret-token-value";
        var host = new List<string>();
        using (var log = EngineLog.Create(new LoggingSettings { Path = Path.Combine(_folder, "s-.json"), Level = "Debug" }, (_, t) => host.Add(t)))
        {
            log.RegisterSecret(token);
            log.Information("Header was {Header}", "Basic " + token);
            log.Error(new InvalidOperationException("failed with " + token), "Request failed for {Url}", "https://x/?t=" + token);
            log.Debug("Nested {@Request}", new { Auth = token, Items = new[] { token } });
        }

        var file = string.Join("\n", LogLines());
        Assert.DoesNotContain(token, file);
        Assert.Contains(EngineLog.Mask, file);
        Assert.All(host, line => Assert.DoesNotContain(token, line));
        Assert.Equal(3, host.Count);
    }

    [Fact]
    public void Without_a_path_nothing_is_written_to_disk()
    {
        using var log = EngineLog.Create(new LoggingSettings { Path = null }, null);
        log.Information("nowhere");
        Assert.False(Directory.Exists(_folder));
    }
}
