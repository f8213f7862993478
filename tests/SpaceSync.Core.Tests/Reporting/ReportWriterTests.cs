using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpaceSync.Core.Reporting;
using SpaceSync.Core.Scope;
using SpaceSync.Core.State;
using SpaceSync.Core.Sync;
using Xunit;

namespace SpaceSync.Core.Tests.Reporting;

public class ReportWriterTests
{
    // Titles, keys, owners and reasons are user data: each carries markup, quotes and CSV separators here.
    private const string EvilTitle = "<script>alert(\"x\")</script> & 'quoted', \"double\"";
    private const string EvilReason = "both sides changed <b>it</b>";

    private static SyncReport Sample() => new()
    {
        GeneratedAt = new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero),
        ScopePath = "/ops/<scope>/spacesync.yaml",
        SitesRead = true,
        Spaces = new[]
        {
            new SyncedSpaceStatus
            {
                SpaceKey = "ENG", CloudKey = "ENG2", Owner = "<owner>@example.com", Phase = "dual-write",
                Direction = SyncDirection.Both, Conflicts = ConflictPolicy.Manual,
                BaselineAt = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.FromHours(1)), LastRunAt = null,
                PairedPages = 12, OpenConflicts = 1, PendingToCloud = 2, PendingToDataCenter = 0, PendingConflicts = 1,
            },
            new SyncedSpaceStatus { SpaceKey = "ENG:blogposts", CloudKey = "ENG2:blogposts", Direction = SyncDirection.Both },
        },
        Conflicts = new[]
        {
            new SyncConflict
            {
                ConflictId = 7, SpaceKey = "ENG", Title = EvilTitle, DataCenterId = "1001", CloudId = "2002", DataCenterVersion = 4,
                CloudVersion = 3, BaseDataCenterVersion = 2, BaseCloudVersion = 1, Reason = EvilReason,
                DetectedAt = new DateTimeOffset(2026, 11, 26, 5, 0, 0, TimeSpan.Zero),
            },
        },
        Drift = new[]
        {
            new DriftItem
            {
                SpaceKey = "ENG", Status = DriftStatus.Conflict, Title = EvilTitle, DataCenterId = "1001", CloudId = "2002",
                DataCenterVersion = 4, CloudVersion = 3, DataCenterChanges = PageChanges.Body | PageChanges.Title,
                CloudChanges = PageChanges.Body, Action = "none: conflict (manual)",
            },
            new DriftItem
            {
                SpaceKey = "ENG", Status = DriftStatus.OnlyOnDataCenter, Title = " New, page\r\nline two", DataCenterId = "1003",
                DataCenterVersion = 1, DataCenterChanges = PageChanges.Created, Action = "create on Cloud",
                Warnings = new[] { "macro <jira> cannot be shown on Cloud", "second" },
            },
        },
        Warnings = new[]
        {
            new ReportWarning { SpaceKey = "ENG", Title = " New, page\r\nline two", Text = "macro <jira> cannot be shown on Cloud" },
            new ReportWarning { SpaceKey = "ENG", Text = "filter <x> could not decide" },
        },
    };

    internal static string Html(SyncReport report)
    {
        var writer = new StringWriter();
        ReportHtmlWriter.Write(report, writer);
        return writer.ToString();
    }

    private static byte[] Bytes(SyncReport report, ReportFormat format)
    {
        using var stream = new MemoryStream();
        ReportFile.WriteTo(report, stream, format);
        return stream.ToArray();
    }

    [Fact]
    public void Html_escapes_every_user_value()
    {
        var html = Html(Sample());

        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<b>it</b>", html);
        Assert.DoesNotContain("<owner>", html);
        Assert.DoesNotContain("<jira>", html);
        Assert.DoesNotContain("<scope>", html);
        Assert.Contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;, &quot;double&quot;", html);
        Assert.Contains("both sides changed &lt;b&gt;it&lt;/b&gt;", html);
        Assert.Contains("&lt;owner&gt;@example.com", html);
        // Exactly one script element, the writer's own.
        Assert.Single(Regex.Matches(html, "<script", RegexOptions.IgnoreCase));
    }

    [Fact]
    public void Html_is_self_contained()
    {
        var html = Html(Sample());

        Assert.DoesNotMatch(new Regex(@"(src|href|action)\s*=\s*[""']?\s*(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"url\(|@import|<link|<img|<iframe|<object", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Contains("<style>", html);
        Assert.Contains("<meta charset=\"utf-8\">", html);
    }

    [Fact]
    public void Html_policy_allows_exactly_the_inline_style_and_script_by_hash()
    {
        var html = Html(Sample());
        var policy = Regex.Match(html, "http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\"").Groups[1].Value;
        var script = Regex.Match(html, "<script>(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        var style = Regex.Match(html, "<style>(.*?)</style>", RegexOptions.Singleline).Groups[1].Value;

        Assert.Contains("default-src 'none'", policy);
        Assert.Contains($"script-src '{Sha256(script)}'", policy);
        Assert.Contains($"style-src '{Sha256(style)}'", policy);
        Assert.DoesNotContain("unsafe", policy);
        Assert.DoesNotContain("\r", script);
    }

    [Fact]
    public void Html_holds_every_section_and_reads_without_script()
    {
        var html = Html(Sample());

        Assert.Contains("<table id=\"summary\" class=\"rows\">", html);
        Assert.Contains("<table id=\"conflicts\" class=\"rows\">", html);
        Assert.Contains("<table id=\"drift\" class=\"rows drift\">", html);
        Assert.Contains("<ul id=\"warnings\">", html);
        // The controls do nothing without the script, so they start hidden.
        Assert.Contains("<div id=\"drift-controls\" class=\"controls\" hidden>", html);
        Assert.Contains("<tr data-status=\"Conflict\">", html);
        Assert.Contains("<option>Conflict</option><option>OnlyOnDataCenter</option>", html);
        Assert.Contains("2026-11-25 07:00:00 UTC", html);   // baseline at 08:00+01:00 shown in UTC
        Assert.Contains("Body, Title", html);
        Assert.Contains("@media print", html);
    }

    [Fact]
    public void Html_says_so_when_there_is_nothing_to_list()
    {
        var html = Html(new SyncReport { ScopePath = "s.yaml" });

        Assert.Contains("No space in this report.", html);
        Assert.Contains("No open conflict.", html);
        Assert.Contains("Every page is in sync.", html);
        Assert.Contains("No warning about a whole space.", html);
        Assert.DoesNotContain("id=\"drift\"", html);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("lf\nonly", "\"lf\nonly\"")]
    [InlineData(" edge", "\" edge\"")]
    [InlineData("", "")]
    public void Csv_fields_are_quoted_as_RFC_4180_wants(string value, string expected)
    {
        Assert.Equal(expected, ReportCsvWriter.Field(value));
    }

    [Fact]
    public void Csv_is_the_drift_table_with_a_byte_order_mark_and_CRLF_records()
    {
        var bytes = Bytes(Sample(), ReportFormat.Csv);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes.Take(3).ToArray());
        var text = new UTF8Encoding(false).GetString(bytes, 3, bytes.Length - 3);

        var records = ParseCsv(text);
        Assert.Equal(3, records.Count);
        Assert.Equal(ReportCsvWriter.Columns, records[0]);
        Assert.Equal(new[] { "ENG", "Conflict", EvilTitle, "1001", "2002", "4", "3", "Body, Title", "Body", "none: conflict (manual)", "", "", "" }, records[1]);
        Assert.Equal(" New, page\r\nline two", records[2][2]);
        Assert.Equal("", records[2][4]);
        Assert.Equal("macro <jira> cannot be shown on Cloud; second", records[2][10]);
        Assert.EndsWith("\r\n", text);
    }

    [Fact]
    public void Json_has_fixed_names_enums_as_strings_and_no_byte_order_mark()
    {
        var bytes = Bytes(Sample(), ReportFormat.Json);
        Assert.Equal((byte)'{', bytes[0]);
        using var json = JsonDocument.Parse(bytes);
        var root = json.RootElement;

        Assert.Equal(new[] { "schemaVersion", "generatedAt", "scopePath", "dataCenterSite", "cloudSite", "sitesRead", "includesInSync", "spaces", "conflicts", "drift", "warnings" },
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-11-26T06:00:00+00:00", root.GetProperty("generatedAt").GetString());

        var space = root.GetProperty("spaces")[0];
        Assert.Equal("dual-write", space.GetProperty("phase").GetString());
        Assert.Equal("Manual", space.GetProperty("conflictPolicy").GetString());
        Assert.Equal(JsonValueKind.Null, space.GetProperty("lastRunAt").ValueKind);
        Assert.Equal(2, space.GetProperty("pendingToCloud").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("spaces")[1].GetProperty("pendingToCloud").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("spaces")[1].GetProperty("phase").ValueKind);

        var conflict = root.GetProperty("conflicts")[0];
        Assert.Equal(7, conflict.GetProperty("conflictId").GetInt64());
        Assert.Equal(EvilTitle, conflict.GetProperty("title").GetString());

        var drift = root.GetProperty("drift");
        Assert.Equal("Conflict", drift[0].GetProperty("status").GetString());
        Assert.Equal(new[] { "Body", "Title" }, drift[0].GetProperty("dataCenterChanges").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, drift[1].GetProperty("cloudId").ValueKind);
        Assert.Equal(2, drift[1].GetProperty("warnings").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("warnings")[1].GetProperty("title").ValueKind);
        // Indented, readable non-ASCII; markup characters escaped.
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\n  \"spaces\": [", text);
        Assert.DoesNotContain("<script>", text);
    }

    [Fact]
    public void Json_keeps_non_ASCII_titles_readable()
    {
        var report = Sample() with { Drift = new[] { new DriftItem { SpaceKey = "ENG", Title = "Übersicht – 概要" } } };
        var text = Encoding.UTF8.GetString(Bytes(report, ReportFormat.Json));
        Assert.Contains("\"title\": \"Übersicht – 概要\"", text);
    }

    [Theory]
    [InlineData("r.html", ReportFormat.Html)]
    [InlineData("R.HTM", ReportFormat.Html)]
    [InlineData("out/r.json", ReportFormat.Json)]
    [InlineData("r.csv", ReportFormat.Csv)]
    [InlineData("r.txt", null)]
    [InlineData("report", null)]
    public void The_extension_names_the_format(string path, ReportFormat? expected)
    {
        Assert.Equal(expected, ReportFile.FormatOf(path));
    }

    [Fact]
    public void Files_are_replaced_whole_unless_NoClobber_and_no_temporary_file_stays()
    {
        var folder = Directory.CreateTempSubdirectory("report-");
        try
        {
            var path = Path.Combine(folder.FullName, "r.json");
            File.WriteAllText(path, "old");

            ReportFile.Write(Sample(), path, ReportFormat.Json, noClobber: false);
            Assert.StartsWith("{", File.ReadAllText(path));

            File.WriteAllText(path, "keep me");
            var refused = Assert.Throws<IOException>(() => ReportFile.Write(Sample(), path, ReportFormat.Json, noClobber: true));
            Assert.Contains("already exists", refused.Message);
            Assert.Equal("keep me", File.ReadAllText(path));

            Assert.Equal(new[] { "r.json" }, folder.GetFiles().Select(f => f.Name));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Sha256(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>A strict RFC 4180 reader, independent of the writer: quoted fields, doubled quotes, CRLF records.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString()); field.Clear();
                records.Add(fields.ToArray()); fields.Clear();
                i++;
            }
            else
            {
                Assert.False(c == '\r' || c == '\n' || c == '"', $"bare {(int)c} outside quotes at {i}");
                field.Append(c);
            }
        }

        Assert.Equal(0, field.Length + fields.Count);
        return records;
    }
}
