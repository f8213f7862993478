using System.Text.Json;
using SpaceSync.Core.Logging;
using SpaceSync.Core.Scope;
using SpaceSync.Core.Sync;
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
    public void A_page_warning_writes_the_same_file_line_as_a_warning_and_reaches_the_host_with_its_kind()
    {
        const string token = "ATATT3xFfGF0-page-secret";
        var text = new List<(EngineLogLevel, string)>();
        var pages = new List<(PageWarning, string)>();
        var plain = new PageWarning(PageWarningKind.RestrictedSkipped, "ENG", "1", "2", "Payroll", "\"Payroll\" is left untouched");
        using (var log = EngineLog.Create(new LoggingSettings { Path = Path.Combine(_folder, "p-.json") }, (l, t) => text.Add((l, t)),
                   pageSink: (w, t) => pages.Add((w, t))))
        {
            log.RegisterSecret(token);
            log.Warning("{Space:l}: {Warning:l}", "ENG", plain.Message);
            log.WarnOfPage(plain, "{Space:l}: {Warning:l}", "ENG", plain.Message);
            log.WarnOfPage(plain with { Title = "Keys " + token, Message = "holds " + token }, "{Space:l}: {Warning:l}", "ENG", "holds " + token);
            log.WarnOfRememberedPage(plain with { DataCenterId = "3" }, "{Space:l}: {Warning:l}", "ENG", "remembered");
        }

        // The file: the page warning's line is the plain warning's (timestamps aside); the remembered one is not there.
        var lines = LogLines().Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        string WithoutTime(JsonElement e) => string.Join(",", e.EnumerateObject().Where(p => p.Name != "@t").Select(p => p.ToString()));
        Assert.Equal(WithoutTime(lines[0]), WithoutTime(lines[1]));
        Assert.DoesNotContain(token, string.Join("\n", LogLines()));

        // The host: the plain warning as text, the page warnings structured (masked), none twice.
        Assert.Equal(new[] { (EngineLogLevel.Warning, "ENG: \"Payroll\" is left untouched") }, text);
        Assert.Equal(3, pages.Count);
        Assert.Equal((plain, "ENG: \"Payroll\" is left untouched"), pages[0]);
        Assert.Equal($"Keys {EngineLog.Mask}", pages[1].Item1.Title);
        Assert.DoesNotContain(token, pages[1].Item1.Message + pages[1].Item2);
        Assert.Equal(("3", "ENG: remembered"), (pages[2].Item1.DataCenterId, pages[2].Item2));
    }

    [Fact]
    public void Without_a_page_sink_a_page_warning_is_text_and_a_remembered_one_goes_nowhere()
    {
        var text = new List<string>();
        var warning = new PageWarning(PageWarningKind.ArchivedLeftAlone, "ENG", "1", "2", "Old", "archived");
        using (var log = EngineLog.Create(null, (_, t) => text.Add(t)))
        {
            log.WarnOfPage(warning, "{Space:l}: {Warning:l}", "ENG", warning.Message);
            log.WarnOfRememberedPage(warning, "{Space:l}: {Warning:l}", "ENG", warning.Message);
        }

        Assert.Equal(new[] { "ENG: archived" }, text);
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
