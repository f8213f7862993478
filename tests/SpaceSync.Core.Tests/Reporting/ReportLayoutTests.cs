using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Reporting;

/// <summary>What the HTML report shows a steering meeting: links to both sites, rows by severity, numbers per space.</summary>
public class ReportLayoutTests
{
    private static readonly Uri DataCenter = new("https://confluence.example.com/confluence");
    private static readonly Uri Cloud = new("https://acme.atlassian.net/wiki");

    private static DriftItem Item(DriftStatus status, string title, string? dc, string? cloud, params string[] warnings) => new()
    {
        SpaceKey = "ENG", Status = status, Title = title, DataCenterId = dc, CloudId = cloud,
        DataCenterVersion = dc is null ? null : 4, CloudVersion = cloud is null ? null : 3, Action = "none", Warnings = warnings,
    };

    // The demo's shape: 43 restricted rows, one page ahead and the one conflict, listed in the order a plan gives them.
    private static SyncReport Demo()
    {
        var drift = new List<DriftItem>();
        for (var i = 0; i < 43; i++) drift.Add(Item(DriftStatus.Restricted, $"Secret {i:00}", (3000 + i).ToString(), (5000 + i).ToString(), "restricted page left untouched"));
        drift.Insert(20, Item(DriftStatus.Conflict, "Budget <b>Q4</b>", "1001", "2002"));
        drift.Insert(5, Item(DriftStatus.DataCenterAhead, "Runbook", "1002", "2003") with { ActionIds = new[] { 1 } });
        return new SyncReport
        {
            ScopePath = "/home/admin/spacesync.yaml",
            DataCenterUrl = DataCenter,
            CloudUrl = Cloud,
            SitesRead = true,
            DriftRead = new[] { "ENG" },
            Spaces = new[] { new SyncedSpaceStatus { SpaceKey = "ENG", CloudKey = "ENG2", PairedPages = 100, OpenConflicts = 1 } },
            Conflicts = new[]
            {
                new SyncConflict
                {
                    ConflictId = 7, SpaceKey = "ENG", Title = "Budget <b>Q4</b>", DataCenterId = "1001", CloudId = "2002", DataCenterVersion = 4,
                    CloudVersion = 3, BaseDataCenterVersion = 2, BaseCloudVersion = 1, Reason = "both changed",
                },
            },
            Drift = drift,
            Warnings = drift.SelectMany(d => d.Warnings.Select(t => new ReportWarning { SpaceKey = "ENG", Title = d.Title, Text = t })).ToList(),
        };
    }

    private static string Html(SyncReport report) => ReportWriterTests.Html(report);

    [Fact]
    public void Every_page_row_links_to_both_pages_and_the_conflict_to_both_versions()
    {
        var html = Html(Demo());

        Assert.Contains("href=\"https://confluence.example.com/confluence/pages/viewpage.action?pageId=1001\"", html);
        Assert.Contains("href=\"https://acme.atlassian.net/wiki/spaces/ENG2/pages/2002\"", html);
        Assert.Contains("href=\"https://confluence.example.com/confluence/pages/viewpage.action?pageId=1001&amp;pageVersion=4\"", html);
        Assert.Contains("href=\"https://acme.atlassian.net/wiki/pages/viewpage.action?pageId=2002&amp;pageVersion=3\"", html);
        // Each of the 45 rows links to both of its pages (the conflict's pages are linked from its row and its conflict too).
        foreach (var id in Enumerable.Range(3000, 43)) Assert.Contains($"pageId={id}\"", html);
        foreach (var id in Enumerable.Range(5000, 43)) Assert.Contains($"/spaces/ENG2/pages/{id}\"", html);
        // The header names both sites, not the local scope path.
        Assert.Contains(">https://confluence.example.com/confluence</a>", html);
        Assert.Contains(">https://acme.atlassian.net/wiki</a>", html);
        Assert.DoesNotContain("/home/admin", html);
    }

    [Fact]
    public void Links_go_only_to_the_two_sites_and_nothing_is_loaded()
    {
        var html = Html(Demo());

        var hrefs = Regex.Matches(html, "href=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(hrefs);
        Assert.All(hrefs, h => Assert.True(h.StartsWith(DataCenter.ToString(), StringComparison.Ordinal) || h.StartsWith(Cloud.ToString(), StringComparison.Ordinal), h));
        Assert.DoesNotMatch(new Regex(@"\bsrc\s*=|url\(|@import|<link|<img|<iframe", RegexOptions.IgnoreCase), html);
        Assert.Equal(hrefs.Count, Regex.Matches(html, "rel=\"noopener noreferrer\"").Count);
    }

    [Fact]
    public void A_site_that_is_not_http_and_an_id_with_markup_never_make_a_hazardous_link()
    {
        Assert.Null(ReportLinks.DataCenterPage(new Uri("javascript:alert(1)"), "1"));
        Assert.Null(ReportLinks.CloudPage(new Uri("file:///etc/passwd"), "ENG", "1"));
        Assert.Null(ReportLinks.DataCenterPage(DataCenter, null));
        Assert.Equal("https://confluence.example.com/confluence/pages/viewpage.action?pageId=1%22%3E%3Cscript%3E",
            ReportLinks.DataCenterPage(DataCenter, "1\"><script>"));
        // User info in a site URL (a token, say) never reaches a link or the header.
        var secretive = Demo() with { DataCenterUrl = new Uri("https://admin:s3cr3t-token@confluence.example.com/confluence") };
        Assert.DoesNotContain("s3cr3t", Html(secretive));
        Assert.Equal("https://confluence.example.com/confluence/pages/viewpage.action?pageId=1", ReportLinks.DataCenterPage(secretive.DataCenterUrl, "1"));
        // A blog post on Cloud: by id, which takes any content.
        Assert.Equal("https://acme.atlassian.net/wiki/pages/viewpage.action?pageId=9", ReportLinks.CloudPage(Cloud, "ENG2:blogposts", "9"));
    }

    [Fact]
    public void Rows_run_by_severity_and_restricted_ones_are_collapsed_with_their_count()
    {
        var html = Html(Demo());

        var conflict = html.IndexOf("<tr data-status=\"Conflict\">", StringComparison.Ordinal);
        var ahead = html.IndexOf("<tr data-status=\"DataCenterAhead\">", StringComparison.Ordinal);
        var collapsed = html.IndexOf("<details class=\"left-alone\" id=\"left-alone-Restricted\">", StringComparison.Ordinal);
        var restricted = html.IndexOf("<tr data-status=\"Restricted\">", StringComparison.Ordinal);
        Assert.True(conflict > 0 && conflict < ahead && ahead < collapsed && collapsed < restricted, $"{conflict} {ahead} {collapsed} {restricted}");
        Assert.Contains("<summary>Restricted: 43 pages left alone on purpose (not counted in % in sync)</summary>", html);
        Assert.DoesNotContain("<details open", html);
        // The main table holds the two rows that need someone.
        var main = Regex.Match(html, "<table id=\"drift\".*?</table>", RegexOptions.Singleline).Value;
        Assert.Equal(2, Regex.Matches(main, "<tr data-status=").Count);
    }

    [Fact]
    public void The_headline_and_the_space_say_how_much_is_in_sync_not_how_many_warnings()
    {
        var html = Html(Demo());

        var headline = Regex.Match(html, "<p class=\"totals\" id=\"headline\">(.*?)</p>").Groups[1].Value;
        // 100 pairs, 45 of them listed as not in sync: 55 in sync of 57 synced (43 restricted left alone).
        Assert.Equal("96% of 57 synced pages in sync \u00b7 1 open conflict \u00b7 0 failures \u00b7 1 page pending \u00b7 43 left alone (restricted or excluded)", headline);
        Assert.Contains("<strong>96%</strong> <span class=\"of\">55 of 57</span>", html);
        Assert.Contains("43 warnings about single pages, each on its page&#39;s row above.", html);
        Assert.DoesNotContain("<ul id=\"warnings\">", html);
    }

    [Fact]
    public void The_chart_is_inline_svg_with_one_bar_per_space()
    {
        var html = Html(Demo());

        var svg = Regex.Match(html, "<svg id=\"chart\".*?</svg>", RegexOptions.Singleline).Value;
        Assert.Contains("<title>ENG: 55 in sync</title>", svg);
        Assert.Contains("<title>ENG: 1 in conflict</title>", svg);
        Assert.Contains("<title>ENG: 43 left alone</title>", svg);
        Assert.Contains(">96% in sync</text>", svg);
    }

    [Fact]
    public void The_percentage_is_unknown_when_the_drift_was_not_read()
    {
        var report = Demo() with { DriftRead = Array.Empty<string>(), Drift = Array.Empty<DriftItem>() };
        var summary = ReportSummary.For(report, report.Spaces[0]);

        Assert.False(summary.DriftKnown);
        Assert.Null(summary.PercentInSync);
        Assert.Contains("drift not read", Html(report));
    }

    [Fact]
    public void With_in_sync_rows_listed_the_count_comes_from_them()
    {
        var report = Demo() with
        {
            IncludesInSync = true,
            Drift = new[] { Item(DriftStatus.InSync, "a", "1", "2"), Item(DriftStatus.InSync, "b", "3", "4"), Item(DriftStatus.Conflict, "c", "5", "6"),
                Item(DriftStatus.Excluded, "d", "7", null), Item(DriftStatus.CloudFolder, "folder", null, "8") },
        };
        var summary = ReportSummary.For(report, report.Spaces[0]);

        Assert.Equal(2, summary.InSync);
        Assert.Equal(3, summary.Synced);
        Assert.Equal(1, summary.LeftAlone);
        Assert.Equal(200.0 / 3, summary.PercentInSync!.Value, 6);
        Assert.False(summary.ByStatus.ContainsKey(DriftStatus.CloudFolder));
    }

    [Fact]
    public void Json_and_csv_carry_the_sites_and_each_pages_web_address()
    {
        using var stream = new MemoryStream();
        ReportFile.WriteTo(Demo(), stream, ReportFormat.Json);
        using var json = JsonDocument.Parse(stream.ToArray());
        var root = json.RootElement;
        Assert.Equal("https://confluence.example.com/confluence", root.GetProperty("dataCenterSite").GetString());
        Assert.Equal("https://acme.atlassian.net/wiki", root.GetProperty("cloudSite").GetString());
        var conflict = root.GetProperty("conflicts")[0];
        Assert.Equal("https://acme.atlassian.net/wiki/pages/viewpage.action?pageId=2002&pageVersion=3", conflict.GetProperty("cloudVersionUrl").GetString());
        Assert.Equal("https://confluence.example.com/confluence/pages/viewpage.action?pageId=1001&pageVersion=4", conflict.GetProperty("dataCenterVersionUrl").GetString());
        var first = root.GetProperty("drift")[0];
        Assert.Equal($"https://acme.atlassian.net/wiki/spaces/ENG2/pages/{first.GetProperty("cloudId").GetString()}", first.GetProperty("cloudUrl").GetString());

        var csv = new StringWriter();
        ReportCsvWriter.Write(Demo(), csv);
        var lines = csv.ToString().Split("\r\n");
        Assert.EndsWith(",DataCenterUrl,CloudUrl", lines[0]);
        Assert.Contains(",https://confluence.example.com/confluence/pages/viewpage.action?pageId=3000,https://acme.atlassian.net/wiki/spaces/ENG2/pages/5000", csv.ToString());
    }
}
