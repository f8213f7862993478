using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using SpaceSync.Core.Sync;

namespace SpaceSync.Core.Reporting
{
    /// <summary>
    /// The report as one self-contained HTML page: inline CSS and a small inline script, no external URL, font or image.
    /// Everything is in the markup, so the page reads fully without the script and on paper; the script only adds
    /// sorting and filtering to the drift table. Every value is HTML-escaped (titles, reasons and keys are user data), and
    /// a Content-Security-Policy allows only this page's own style and script (by hash), so even markup that slipped
    /// through could not run or load anything.
    /// </summary>
    public static class ReportHtmlWriter
    {
        public static void Write(SyncReport report, TextWriter writer)
        {
            if (report is null) throw new ArgumentNullException(nameof(report));
            var w = new Html(writer);
            var summaries = report.Spaces.Select(s => ReportSummary.For(report, s)).ToList();
            var links = new ReportPageLinks(report);

            w.Raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            w.Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            w.Raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src '" + Hash(Style) +
                  "'; script-src '" + Hash(Script) + "'; base-uri 'none'; form-action 'none'\">\n");
            w.Raw("<meta name=\"referrer\" content=\"no-referrer\">\n");
            w.Raw("<meta name=\"generator\" content=\"SpaceSync Export-SyncReport\">\n<title>SpaceSync report: ");
            w.Text(string.Join(", ", report.Spaces.Select(s => s.SpaceKey)));
            w.Raw(" (").Text(Time(report.GeneratedAt)).Raw(")</title>\n");
            w.Raw("<style>").Raw(Style).Raw("</style>\n</head>\n<body>\n");

            // The two sites are what a reader of the report knows; the scope file is a detail of the machine it ran on.
            w.Raw("<header>\n<h1>SpaceSync report</h1>\n<dl class=\"facts\">\n");
            w.Raw("<dt>Data Center</dt><dd>").Link(ReportLinks.Site(report.DataCenterUrl), ReportLinks.Site(report.DataCenterUrl) ?? Dash).Raw("</dd>\n");
            w.Raw("<dt>Cloud</dt><dd>").Link(ReportLinks.Site(report.CloudUrl), ReportLinks.Site(report.CloudUrl) ?? Dash).Raw("</dd>\n");
            w.Raw("<dt>Generated</dt><dd>").Time(report.GeneratedAt).Raw("</dd>\n");
            w.Raw("<dt>Drift</dt><dd>").Text(report.SitesRead
                ? "read from both sites just now (nothing was written)"
                : "as given to Export-SyncReport (the sites were not read; pending counts are not computed)").Raw("</dd>\n");
            w.Raw("</dl>\n<p class=\"totals\" id=\"headline\">").Text(Headline(report, summaries)).Raw("</p>\n</header>\n");

            WriteSummary(w, report, summaries);
            WriteConflicts(w, report, links);
            WriteDrift(w, report, links);
            WriteWarnings(w, report);

            w.Raw("<footer><p>Written by SpaceSync Export-SyncReport from the scope file ").Text(Path.GetFileName(report.ScopePath))
                .Raw(". Times are UTC. Restricted and excluded pages are left alone on purpose and not counted in \u201c% in sync\u201d.</p></footer>\n");
            w.Raw("<script>").Raw(Script).Raw("</script>\n</body>\n</html>\n");
        }

        // What matters first: how much is in sync, then what needs someone (conflicts, failures), what a sync would do, what is left alone.
        private static string Headline(SyncReport report, IReadOnlyList<ReportSpaceSummary> summaries)
        {
            var known = summaries.Where(s => s.DriftKnown).ToList();
            var synced = known.Sum(s => s.Synced);
            var parts = new List<string>();
            if (synced > 0) parts.Add($"{Percent(100.0 * known.Sum(s => s.InSync) / synced)} of {Count(synced, "synced page")} in sync");
            else if (known.Count == 0 && summaries.Count > 0) parts.Add("drift not read");
            parts.Add(Count(report.Conflicts.Count, "open conflict"));
            parts.Add(Count(summaries.Sum(s => s.Failures), "failure"));
            parts.Add(Count(summaries.Sum(s => s.Pending), "page") + " pending");
            parts.Add(summaries.Sum(s => s.LeftAlone).ToString(CultureInfo.InvariantCulture) + " left alone (restricted or excluded)");
            var spaceWarnings = report.Warnings.Count(x => x.Title is null);
            if (spaceWarnings > 0) parts.Add(Count(spaceWarnings, "space warning"));
            return string.Join(" \u00b7 ", parts);
        }

        private static void WriteSummary(Html w, SyncReport report, IReadOnlyList<ReportSpaceSummary> summaries)
        {
            w.Raw("<section id=\"summary-section\">\n<h2>Spaces</h2>\n");
            if (report.Spaces.Count == 0)
            {
                w.Raw("<p class=\"none\">No space in this report.</p>\n</section>\n");
                return;
            }

            WriteChart(w, summaries);
            var headings = new[] { "Space", "Phase", "In sync", "Pages by status", "Pending to Cloud", "Pending to Data Center", "Open conflicts",
                "Baseline", "Last run", "Owner", "Policy" };
            w.Raw("<table id=\"summary\" class=\"rows\">\n<thead><tr>");
            foreach (var heading in headings) w.Raw("<th scope=\"col\">").Text(heading).Raw("</th>");
            w.Raw("</tr></thead>\n<tbody>\n");
            for (var i = 0; i < report.Spaces.Count; i++)
            {
                var s = report.Spaces[i];
                var n = summaries[i];
                w.Raw("<tr>");
                w.Raw("<th scope=\"row\" data-label=\"Space\">").Text(s.SpaceKey);
                if (!string.IsNullOrEmpty(s.CloudKey) && !string.Equals(s.CloudKey, s.SpaceKey, StringComparison.Ordinal)) w.Raw(" \u2192 ").Text(s.CloudKey);
                w.Raw("</th>");
                w.Cell("Phase", s.Phase?.ToString());
                w.Open("In sync", n.PercentInSync is null ? "num empty" : "num");
                if (n.PercentInSync is double pct) w.Raw("<strong>").Text(Percent(pct)).Raw("</strong> <span class=\"of\">").Text($"{n.InSync} of {n.Synced}").Raw("</span>");
                else w.Raw(Dash);
                w.Raw("</td>");
                w.Open("Pages by status", null);
                if (!n.DriftKnown) w.Raw("<span class=\"bad\">drift not read</span>");
                else if (n.ByStatus.Count == 0) w.Raw("<span class=\"empty\">none listed</span>");
                else
                {
                    w.Raw("<ul class=\"counts\">");
                    foreach (var pair in n.ByStatus)
                    {
                        w.Raw("<li><span class=\"status status-").Text(pair.Key.ToString()).Raw("\">").Text(pair.Key.ToString()).Raw("</span> ")
                            .Text(pair.Value.ToString(CultureInfo.InvariantCulture)).Raw("</li>");
                    }

                    w.Raw("</ul>");
                }

                w.Raw("</td>");
                w.Number("Pending to Cloud", s.PendingToCloud).Number("Pending to Data Center", s.PendingToDataCenter);
                w.Open("Open conflicts", s.OpenConflicts > 0 ? "num bad" : "num").Text(s.OpenConflicts.ToString(CultureInfo.InvariantCulture)).Raw("</td>");
                w.Open("Baseline", null);
                if (s.BaselineAt is DateTimeOffset baseline) w.Time(baseline);
                else w.Raw("<span class=\"bad\">none yet</span>");
                w.Raw("</td>");
                w.Open("Last run", null);
                if (s.LastRunAt is DateTimeOffset lastRun)
                {
                    w.Time(lastRun);
                    if (s.LastRunOutcome is { } outcome) w.Raw(" <span class=\"outcome-").Text(outcome.ToString()).Raw("\">").Text(outcome.ToString()).Raw("</span>");
                }
                else
                {
                    w.Raw(Dash);
                }

                w.Raw("</td>");
                w.Cell("Owner", s.Owner).Cell("Policy", $"{s.Direction}, conflicts: {s.Conflicts}");
                w.Raw("</tr>\n");
            }

            w.Raw("</tbody>\n</table>\n");
            if (report.Spaces.Any(s => s.PendingToCloud is null))
            {
                w.Raw("<p class=\"note\">").Text(Dash + " in a pending column: not computed (the sites were not read for that space).").Raw("</p>\n");
            }

            w.Raw("</section>\n");
        }

        // One stacked bar a collection: an inline SVG (no script, no external file) that scales with the page.
        private static void WriteChart(Html w, IReadOnlyList<ReportSpaceSummary> summaries)
        {
            // Room on the right for "100% in sync" at the chart's font: text past the view box would be cut off.
            const int rowHeight = 28, labelWidth = 130, barWidth = 380, total = 640;
            var height = summaries.Count * rowHeight + 4;
            w.Raw("<figure class=\"chart\">\n<svg id=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 " + total + " " + height +
                  "\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\n<title id=\"chart-title\">Sync state per space</title>\n");
            for (var i = 0; i < summaries.Count; i++)
            {
                var s = summaries[i];
                var y = i * rowHeight + 4;
                w.Raw("<text x=\"0\" y=\"" + (y + 15) + "\" class=\"chart-label\">").Text(s.SpaceKey).Raw("</text>\n");
                var all = s.Synced + s.LeftAlone;
                if (!s.DriftKnown || all == 0)
                {
                    w.Raw("<text x=\"" + labelWidth + "\" y=\"" + (y + 15) + "\" class=\"chart-note\">").Text(s.DriftKnown ? "no page" : "drift not read").Raw("</text>\n");
                    continue;
                }

                double x = labelWidth;
                foreach (var (count, kind, label) in new[]
                         {
                             (s.InSync, "insync", "in sync"), (s.Pending, "pending", "pending"), (s.Conflicts, "conflict", "in conflict"),
                             (s.Failures, "failure", "failing"), (s.Other, "other", "other"), (s.LeftAlone, "alone", "left alone"),
                         })
                {
                    if (count == 0) continue;
                    var width = Math.Max(2.0, barWidth * (double)count / all);
                    w.Raw("<rect x=\"" + Num(x) + "\" y=\"" + y + "\" width=\"" + Num(width) + "\" height=\"18\" class=\"seg-" + kind + "\"><title>")
                        .Text($"{s.SpaceKey}: {count} {label}").Raw("</title></rect>\n");
                    x += width;
                }

                w.Raw("<text x=\"" + (labelWidth + barWidth + 8) + "\" y=\"" + (y + 15) + "\" class=\"chart-label\">")
                    .Text(s.PercentInSync is double p ? Percent(p) + " in sync" : "").Raw("</text>\n");
            }

            w.Raw("</svg>\n<figcaption><ul class=\"legend\">");
            foreach (var (kind, label) in new[] { ("insync", "in sync"), ("pending", "pending"), ("conflict", "conflict"), ("failure", "failure"), ("other", "other"), ("alone", "restricted or excluded") })
            {
                w.Raw("<li><span class=\"swatch seg-" + kind + "\"></span>").Text(label).Raw("</li>");
            }

            w.Raw("</ul></figcaption>\n</figure>\n");
        }

        private static void WriteConflicts(Html w, SyncReport report, ReportPageLinks links)
        {
            w.Raw("<section id=\"conflicts-section\">\n<h2>Open conflicts</h2>\n");
            if (report.Conflicts.Count == 0)
            {
                w.Raw("<p class=\"none\">No open conflict.</p>\n</section>\n");
                return;
            }

            w.Raw("<p class=\"note\">Settle each with Resolve-SyncConflict, by its id. Each side links to the page and to the version in conflict.</p>\n");
            w.Raw("<table id=\"conflicts\" class=\"rows\">\n<thead><tr>");
            foreach (var heading in new[] { "Id", "Space", "Title", "Data Center", "Cloud", "Base versions", "Why", "Detected" })
            {
                w.Raw("<th scope=\"col\">").Text(heading).Raw("</th>");
            }

            w.Raw("</tr></thead>\n<tbody>\n");
            foreach (var c in report.Conflicts)
            {
                w.Raw("<tr>").Number("Id", c.ConflictId).Cell("Space", c.SpaceKey);
                w.Raw("<th scope=\"row\" class=\"title\" data-label=\"Title\">").Text(c.Title).Raw("</th>");
                w.Open("Data Center", "page");
                w.Link(links.DataCenter(c.DataCenterId), "page " + c.DataCenterId).Raw(" \u00b7 ")
                    .Link(links.DataCenter(c.DataCenterId, c.DataCenterVersion), "v" + c.DataCenterVersion.ToString(CultureInfo.InvariantCulture)).Raw("</td>");
                w.Open("Cloud", "page");
                w.Link(links.Cloud(c.SpaceKey, c.CloudId), "page " + c.CloudId).Raw(" \u00b7 ")
                    .Link(links.Cloud(c.SpaceKey, c.CloudId, c.CloudVersion), "v" + c.CloudVersion.ToString(CultureInfo.InvariantCulture)).Raw("</td>");
                w.Open("Base versions", "page");
                w.Raw("Data Center ").Link(links.DataCenter(c.DataCenterId, c.BaseDataCenterVersion), "v" + c.BaseDataCenterVersion.ToString(CultureInfo.InvariantCulture))
                    .Raw(", Cloud ").Link(links.Cloud(c.SpaceKey, c.CloudId, c.BaseCloudVersion), "v" + c.BaseCloudVersion.ToString(CultureInfo.InvariantCulture)).Raw("</td>");
                w.Cell("Why", c.Reason);
                w.Open("Detected", null).Time(c.DetectedAt).Raw("</td></tr>\n");
            }

            w.Raw("</tbody>\n</table>\n</section>\n");
        }

        private static void WriteDrift(Html w, SyncReport report, ReportPageLinks links)
        {
            w.Raw("<section id=\"drift-section\">\n<h2>Drift</h2>\n");
            if (report.Drift.Count == 0)
            {
                w.Raw("<p class=\"none\">").Text(report.IncludesInSync ? "No page listed." : "Every page is in sync.").Raw("</p>\n</section>\n");
                return;
            }

            var sorted = ReportSummary.BySeverity(report.Drift).ToList();
            var shown = sorted.Where(d => ReportSummary.SeverityOf(d) != ReportSeverity.LeftAlone).ToList();
            if (shown.Count > 0)
            {
                var statuses = shown.Select(d => d.Status).Distinct().OrderBy(s => s).ToList();
                // Hidden until the script shows it: without the script the controls would do nothing.
                w.Raw("<div id=\"drift-controls\" class=\"controls\" hidden>\n<label>Filter <input id=\"drift-filter\" type=\"search\" placeholder=\"title, id, action\"></label>\n");
                w.Raw("<label>Status <select id=\"drift-status\"><option value=\"\">all</option>");
                foreach (var status in statuses) w.Raw("<option>").Text(status.ToString()).Raw("</option>");
                w.Raw("</select></label>\n<output id=\"drift-count\"></output>\n</div>\n");
                WriteDriftTable(w, "drift", shown, links);
            }
            else
            {
                w.Raw("<p class=\"none\">Nothing to do: every page listed is left alone on purpose.</p>\n");
            }

            // Left alone on purpose: one collapsed group a status, its count in view, so they never bury what needs someone.
            foreach (var group in sorted.Where(d => ReportSummary.SeverityOf(d) == ReportSeverity.LeftAlone).GroupBy(d => d.Status))
            {
                var count = group.Count();
                w.Raw("<details class=\"left-alone\" id=\"left-alone-").Text(group.Key.ToString()).Raw("\">\n<summary>")
                    .Text($"{group.Key}: {Count(count, "page")} left alone on purpose (not counted in % in sync)").Raw("</summary>\n");
                WriteDriftTable(w, "drift-" + group.Key.ToString().ToLowerInvariant(), group.ToList(), links);
                w.Raw("</details>\n");
            }

            w.Raw("</section>\n");
        }

        private static void WriteDriftTable(Html w, string id, IReadOnlyList<DriftItem> items, ReportPageLinks links)
        {
            w.Raw("<table id=\"").Text(id).Raw("\" class=\"rows drift\">\n<thead><tr>");
            foreach (var heading in DriftHeadings) w.Raw("<th scope=\"col\">").Text(heading).Raw("</th>");
            w.Raw("</tr></thead>\n<tbody>\n");
            foreach (var d in items)
            {
                w.Raw("<tr data-status=\"").Text(d.Status.ToString()).Raw("\">");
                w.Open("Status", null).Raw("<span class=\"status status-").Text(d.Status.ToString()).Raw("\">").Text(d.Status.ToString()).Raw("</span></td>");
                w.Raw("<th scope=\"row\" class=\"title\" data-label=\"Title\">").Text(d.Title).Raw("</th>");
                w.Cell("Space", d.SpaceKey);
                w.Open("Data Center", "page").Link(links.DataCenter(d.DataCenterId), Page(d.DataCenterId, d.DataCenterVersion)).Raw("</td>");
                w.Open("Cloud", "page").Link(links.Cloud(d.SpaceKey, d.CloudId), Page(d.CloudId, d.CloudVersion)).Raw("</td>");
                w.Cell("Changed on Data Center", string.Join(", ", ReportJsonWriter.ChangeNames(d.DataCenterChanges)))
                    .Cell("Changed on Cloud", string.Join(", ", ReportJsonWriter.ChangeNames(d.CloudChanges)));
                w.Cell("Action", d.Action);
                if (d.Warnings.Count == 0)
                {
                    w.Open("Warnings", "warnings empty").Raw(Dash + "</td></tr>\n");
                    continue;
                }

                w.Open("Warnings", "warnings").Raw("<ul class=\"warn\">");
                foreach (var warning in d.Warnings) w.Raw("<li>").Text(warning).Raw("</li>");
                w.Raw("</ul></td></tr>\n");
            }

            w.Raw("</tbody>\n</table>\n");
        }

        private static readonly string[] DriftHeadings =
            { "Status", "Title", "Space", "Data Center", "Cloud", "Changed on Data Center", "Changed on Cloud", "Action", "Warnings" };

        private static void WriteWarnings(Html w, SyncReport report)
        {
            w.Raw("<section id=\"warnings-section\">\n<h2>Warnings</h2>\n");
            var spaceWarnings = report.Warnings.Where(x => x.Title is null).ToList();
            var pageWarnings = report.Warnings.Count - spaceWarnings.Count;
            if (spaceWarnings.Count == 0) w.Raw("<p class=\"none\">No warning about a whole space.</p>\n");
            else
            {
                w.Raw("<ul id=\"warnings\">\n");
                foreach (var warning in spaceWarnings)
                {
                    w.Raw("<li><strong>").Text(warning.SpaceKey).Raw("</strong>: ").Text(warning.Text).Raw("</li>\n");
                }

                w.Raw("</ul>\n");
            }

            // Page warnings stay on their rows: listing them here again is what buried the one that mattered.
            if (pageWarnings > 0) w.Raw("<p class=\"note\">").Text($"{Count(pageWarnings, "warning")} about single pages, each on its page's row above.").Raw("</p>\n");
            w.Raw("</section>\n");
        }

        private const string Dash = "\u2014";

        private static string Percent(double value) =>
            (value >= 99.5 && value < 100 ? Math.Floor(value) : Math.Round(value)).ToString("0", CultureInfo.InvariantCulture) + "%";

        private static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

        private static string Page(string? id, int? version) =>
            id is null ? "" : version is int v ? $"{id} v{v.ToString(CultureInfo.InvariantCulture)}" : id;

        private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count.ToString(CultureInfo.InvariantCulture)} {noun}s";

        internal static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

        /// <summary>The CSP source for an inline block: its SHA-256, as the browser hashes the exact text.</summary>
        internal static string Hash(string inline)
        {
            using var sha = SHA256.Create();
            return "sha256-" + Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(inline)));
        }

        /// <summary>Escapes for text and for double- or single-quoted attribute values alike.</summary>
        public static string Escape(string? value)
        {
            if (string.IsNullOrEmpty(value)) return "";
            var builder = new StringBuilder(value!.Length + 16);
            foreach (var ch in value)
            {
                switch (ch)
                {
                    case '&': builder.Append("&amp;"); break;
                    case '<': builder.Append("&lt;"); break;
                    case '>': builder.Append("&gt;"); break;
                    case '"': builder.Append("&quot;"); break;
                    case '\'': builder.Append("&#39;"); break;
                    // Control characters other than tab and line breaks are not allowed in HTML text.
                    case '\t': case '\n': case '\r': builder.Append(ch); break;
                    default:
                        if (ch < ' ' || ch == '\u007f') builder.Append('\uFFFD');
                        else builder.Append(ch);
                        break;
                }
            }

            return builder.ToString();
        }

        /// <summary>Markup written in pieces: Raw for the writer's own markup, Text for any value.</summary>
        private sealed class Html
        {
            private readonly TextWriter _writer;

            public Html(TextWriter writer) => _writer = writer;

            public Html Raw(string markup)
            {
                _writer.Write(markup);
                return this;
            }

            public Html Text(string? value)
            {
                _writer.Write(Escape(value));
                return this;
            }

            /// <summary>Opens a cell; its label names the column when a narrow page shows each row as a card.</summary>
            public Html Open(string label, string? cssClass)
            {
                Raw("<td data-label=\"").Text(label).Raw("\"");
                if (cssClass != null) Raw(" class=\"").Text(cssClass).Raw("\"");
                return Raw(">");
            }

            public Html Cell(string label, string? value) =>
                string.IsNullOrEmpty(value) ? Open(label, "empty").Raw(Dash + "</td>") : Open(label, null).Text(value).Raw("</td>");

            public Html Number(string label, long? value) => value is long n
                ? Open(label, "num").Text(n.ToString(CultureInfo.InvariantCulture)).Raw("</td>")
                : Open(label, "num empty").Raw(Dash + "</td>");

            /// <summary>A link to a site's web UI (opened apart, sending no referrer); plain text when there is no address.</summary>
            public Html Link(string? href, string text)
            {
                if (string.IsNullOrEmpty(text)) return Raw(Dash);
                if (href is null) return Text(text);
                return Raw("<a href=\"").Text(href).Raw("\" target=\"_blank\" rel=\"noopener noreferrer\">").Text(text).Raw("</a>");
            }

            public Html Time(DateTimeOffset time) =>
                Raw("<time datetime=\"").Text(time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Raw("\">")
                    .Text(ReportHtmlWriter.Time(time)).Raw("</time>");
        }

        // The browser hashes the text with line ends normalized to LF (HTML parsing does): a CRLF checkout must not break the CSP.
        internal static readonly string Style = Lf(@"
:root { color-scheme: light; --line: #c8ccd2; --head: #eef1f5; --bad: #b3261e; --ok: #1e6b34; --muted: #5b6169; }
* { box-sizing: border-box; }
body { margin: 1.5rem; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; color: #1b1e23; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid #2f5d9a; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
.facts dt { font-weight: 600; color: var(--muted); }
.facts dd { margin: 0; }
.totals { font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--head); }
tbody tr:nth-child(even) { background: #f8f9fb; }
th.title, span.title { font-weight: 600; min-width: 14rem; overflow-wrap: break-word; hyphens: auto; }
td.page { white-space: nowrap; }
td.warnings { max-width: 22rem; font-size: .9em; }
a { color: #1d4f91; }
a:visited { color: #5a3d8a; }
.of { color: var(--muted); font-size: .9em; white-space: nowrap; }
ul.counts { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem .5rem; }
.chart { margin: .4rem 0 1rem; max-width: 46rem; }
.chart svg { display: block; width: 100%; height: auto; }
.chart-label { font: 13px system-ui, sans-serif; fill: #1b1e23; }
.chart-note { font: italic 13px system-ui, sans-serif; fill: var(--muted); }
.seg-insync { fill: #2e7d4f; background: #2e7d4f; }
.seg-pending { fill: #2f6db5; background: #2f6db5; }
.seg-conflict { fill: #b3261e; background: #b3261e; }
.seg-failure { fill: #6d1a14; background: #6d1a14; }
.seg-other { fill: #8a8f98; background: #8a8f98; }
.seg-alone { fill: #d5d8dd; background: #d5d8dd; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1rem; padding: 0; margin: .3rem 0 0; color: var(--muted); }
.swatch { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: -.1rem; border-radius: .15rem; }
details.left-alone { margin: .6rem 0; }
details.left-alone > summary { cursor: pointer; font-weight: 600; color: var(--muted); }
/* Narrow pages: every row becomes a card, each value under its column's name, so nothing is cut or scrolled sideways. */
@media (max-width: 1000px) {
  body { margin: .8rem; }
  table.rows, table.rows tbody, table.rows tr, table.rows td, table.rows tbody th { display: block; width: auto; }
  table.rows thead { display: none; }
  table.rows tr { border: 1px solid var(--line); border-radius: .3rem; margin: 0 0 .6rem; padding: .3rem .5rem; }
  table.rows td, table.rows tbody th { border: 0; padding: .1rem 0; min-width: 0; max-width: none; white-space: normal; text-align: left; }
  table.rows td[data-label]::before { content: attr(data-label) ': '; color: var(--muted); font-weight: 600; }
  table.rows td.empty { display: none; }
  table.rows tbody th.title { font-size: 1.05em; }
}
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.empty, .note, .none { color: var(--muted); }
.bad { color: var(--bad); font-weight: 600; }
.status { display: inline-block; padding: 0 .4rem; border-radius: .6rem; background: #e4e7eb; white-space: nowrap; }
.status-Conflict, .status-DeletedOnCloud, .status-DeletedOnDataCenter { background: #f9dedc; color: var(--bad); }
.status-CloudAhead, .status-DataCenterAhead, .status-OnlyOnCloud, .status-OnlyOnDataCenter { background: #dde8f7; color: #1d4f91; }
.status-InSync { background: #dcefe2; color: var(--ok); }
.outcome-Failed, .outcome-Refused { color: var(--bad); }
.outcome-Succeeded { color: var(--ok); }
ul.warn { margin: 0; padding-left: 1.1rem; color: #7a4b00; }
#warnings li { margin: .2rem 0; }
.controls { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin: .4rem 0; }
.controls[hidden] { display: none; }
.controls input, .controls select { font: inherit; padding: .15rem .3rem; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button::after { content: ' \2195'; color: var(--muted); }
th[aria-sort=ascending] button::after { content: ' \2191'; }
th[aria-sort=descending] button::after { content: ' \2193'; }
tr[hidden] { display: none; }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { margin: 0; font-size: 10pt; }
  .controls { display: none !important; }
  tr[hidden] { display: table-row; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; }
  tbody tr:nth-child(even) { background: none; }
  .status { background: none !important; padding: 0; }
  h2 { break-after: avoid; }
}
");

        // Only enhances: the table and its rows are all in the markup already. Reads nothing but the DOM.
        internal static readonly string Script = Lf(@"
(function () {
  'use strict';
  var table = document.getElementById('drift');
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById('drift-filter');
  var status = document.getElementById('drift-status');
  var count = document.getElementById('drift-count');

  function apply() {
    var text = filter.value.trim().toLowerCase();
    var wanted = status.value;
    var shown = 0;
    rows.forEach(function (row) {
      var visible = (!wanted || row.getAttribute('data-status') === wanted) &&
        (!text || row.textContent.toLowerCase().indexOf(text) !== -1);
      row.hidden = !visible;
      if (visible) { shown++; }
    });
    count.textContent = shown + ' of ' + rows.length + ' shown';
  }

  function key(row, index) {
    return row.cells[index].textContent.trim();
  }

  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && x !== y) { return x - y; }
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
  }

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, index) {
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = th.textContent;
    th.textContent = '';
    th.appendChild(button);
    button.addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      headers.forEach(function (other) { other.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      rows.sort(function (r1, r2) {
        var order = compare(key(r1, index), key(r2, index));
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });

  filter.addEventListener('input', apply);
  status.addEventListener('change', apply);
  document.getElementById('drift-controls').hidden = false;
  apply();
}());
");

        private static string Lf(string text) => text.Replace("\r\n", "\n");
    }
}
