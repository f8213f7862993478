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
            var statuses = report.Drift.Select(d => d.Status).Distinct().OrderBy(s => s).ToList();

            w.Raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            w.Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            w.Raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src '" + Hash(Style) +
                  "'; script-src '" + Hash(Script) + "'; base-uri 'none'; form-action 'none'\">\n");
            w.Raw("<meta name=\"generator\" content=\"SpaceSync Export-SyncReport\">\n<title>SpaceSync report: ");
            w.Text(Path.GetFileName(report.ScopePath));
            w.Raw(" (").Text(Time(report.GeneratedAt)).Raw(")</title>\n");
            w.Raw("<style>").Raw(Style).Raw("</style>\n</head>\n<body>\n");

            w.Raw("<header>\n<h1>SpaceSync report</h1>\n<dl class=\"facts\">\n");
            w.Raw("<dt>Scope file</dt><dd><code>").Text(report.ScopePath).Raw("</code></dd>\n");
            w.Raw("<dt>Generated</dt><dd>").Time(report.GeneratedAt).Raw("</dd>\n");
            w.Raw("<dt>Drift</dt><dd>").Text(report.SitesRead
                ? "read from both sites just now (nothing was written)"
                : "as given to Export-SyncReport (the sites were not read; pending counts are not computed)").Raw("</dd>\n");
            w.Raw("<dt>Pages listed</dt><dd>").Text(report.IncludesInSync ? "all, in-sync pages included" : "pages not in sync only").Raw("</dd>\n");
            w.Raw("</dl>\n<p class=\"totals\">").Text(
                $"{Count(report.Spaces.Count, "space collection")}, {Count(report.Conflicts.Count, "open conflict")}, " +
                $"{Count(report.Drift.Count, "drift item")}, {Count(report.Warnings.Count, "warning")}.").Raw("</p>\n</header>\n");

            WriteSummary(w, report);
            WriteConflicts(w, report);
            WriteDrift(w, report, statuses);
            WriteWarnings(w, report);

            w.Raw("<footer><p>Written by SpaceSync Export-SyncReport. Times are UTC.</p></footer>\n");
            w.Raw("<script>").Raw(Script).Raw("</script>\n</body>\n</html>\n");
        }

        private static void WriteSummary(Html w, SyncReport report)
        {
            w.Raw("<section id=\"summary-section\">\n<h2>Spaces</h2>\n");
            if (report.Spaces.Count == 0)
            {
                w.Raw("<p class=\"none\">No space in this report.</p>\n</section>\n");
                return;
            }

            w.Raw("<table id=\"summary\">\n<thead><tr>");
            foreach (var heading in new[] { "Space", "Cloud key", "Phase", "Owner", "Direction", "Conflict policy", "Baseline", "Last run",
                         "Paired pages", "Pending to Cloud", "Pending to Data Center", "Conflicts left alone", "Open conflicts" })
            {
                w.Raw("<th scope=\"col\">").Text(heading).Raw("</th>");
            }

            w.Raw("</tr></thead>\n<tbody>\n");
            foreach (var s in report.Spaces)
            {
                w.Raw("<tr>");
                w.Raw("<th scope=\"row\">").Text(s.SpaceKey).Raw("</th>");
                w.Cell(s.CloudKey).Cell(s.Phase?.ToString()).Cell(s.Owner).Cell(s.Direction.ToString()).Cell(s.Conflicts.ToString());
                w.Raw("<td>");
                if (s.BaselineAt is DateTimeOffset baseline) w.Time(baseline);
                else w.Raw("<span class=\"bad\">none yet</span>");
                w.Raw("</td><td>");
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
                w.Number(s.PairedPages).Number(s.PendingToCloud).Number(s.PendingToDataCenter).Number(s.PendingConflicts);
                w.Raw(s.OpenConflicts > 0 ? "<td class=\"num bad\">" : "<td class=\"num\">").Text(s.OpenConflicts.ToString(CultureInfo.InvariantCulture)).Raw("</td>");
                w.Raw("</tr>\n");
            }

            w.Raw("</tbody>\n</table>\n");
            if (report.Spaces.Any(s => s.PendingToCloud is null))
            {
                w.Raw("<p class=\"note\">").Text(Dash + " in a pending column: not computed (the sites were not read for that space).").Raw("</p>\n");
            }

            w.Raw("</section>\n");
        }

        private static void WriteConflicts(Html w, SyncReport report)
        {
            w.Raw("<section id=\"conflicts-section\">\n<h2>Open conflicts</h2>\n");
            if (report.Conflicts.Count == 0)
            {
                w.Raw("<p class=\"none\">No open conflict.</p>\n</section>\n");
                return;
            }

            w.Raw("<p class=\"note\">Settle each with Resolve-SyncConflict, by its id.</p>\n<table id=\"conflicts\">\n<thead><tr>");
            foreach (var heading in new[] { "Id", "Space", "Title", "Data Center page", "Cloud page", "Base versions (DC / Cloud)", "Why", "Detected" })
            {
                w.Raw("<th scope=\"col\">").Text(heading).Raw("</th>");
            }

            w.Raw("</tr></thead>\n<tbody>\n");
            foreach (var c in report.Conflicts)
            {
                w.Raw("<tr>").Number(c.ConflictId).Cell(c.SpaceKey);
                w.Raw("<th scope=\"row\" class=\"title\">").Text(c.Title).Raw("</th>");
                w.Cell($"{c.DataCenterId} v{c.DataCenterVersion}").Cell($"{c.CloudId} v{c.CloudVersion}")
                    .Cell($"v{c.BaseDataCenterVersion} / v{c.BaseCloudVersion}").Cell(c.Reason);
                w.Raw("<td>").Time(c.DetectedAt).Raw("</td></tr>\n");
            }

            w.Raw("</tbody>\n</table>\n</section>\n");
        }

        private static void WriteDrift(Html w, SyncReport report, IReadOnlyList<DriftStatus> statuses)
        {
            w.Raw("<section id=\"drift-section\">\n<h2>Drift</h2>\n");
            if (report.Drift.Count == 0)
            {
                w.Raw("<p class=\"none\">").Text(report.IncludesInSync ? "No page listed." : "Every page is in sync.").Raw("</p>\n</section>\n");
                return;
            }

            // Hidden until the script shows it: without the script the controls would do nothing.
            w.Raw("<div id=\"drift-controls\" class=\"controls\" hidden>\n<label>Filter <input id=\"drift-filter\" type=\"search\" placeholder=\"title, id, action\"></label>\n");
            w.Raw("<label>Status <select id=\"drift-status\"><option value=\"\">all</option>");
            foreach (var status in statuses) w.Raw("<option>").Text(status.ToString()).Raw("</option>");
            w.Raw("</select></label>\n<output id=\"drift-count\"></output>\n</div>\n");

            w.Raw("<table id=\"drift\">\n<thead><tr>");
            foreach (var heading in new[] { "Space", "Status", "Title", "Data Center page", "Cloud page", "Changed on Data Center", "Changed on Cloud", "Action", "Warnings" })
            {
                w.Raw("<th scope=\"col\">").Text(heading).Raw("</th>");
            }

            w.Raw("</tr></thead>\n<tbody>\n");
            foreach (var d in report.Drift)
            {
                w.Raw("<tr data-status=\"").Text(d.Status.ToString()).Raw("\">").Cell(d.SpaceKey);
                w.Raw("<td><span class=\"status status-").Text(d.Status.ToString()).Raw("\">").Text(d.Status.ToString()).Raw("</span></td>");
                w.Raw("<th scope=\"row\" class=\"title\">").Text(d.Title).Raw("</th>");
                w.Cell(Page(d.DataCenterId, d.DataCenterVersion)).Cell(Page(d.CloudId, d.CloudVersion));
                w.Cell(string.Join(", ", ReportJsonWriter.ChangeNames(d.DataCenterChanges))).Cell(string.Join(", ", ReportJsonWriter.ChangeNames(d.CloudChanges)));
                w.Cell(d.Action);
                w.Raw("<td>");
                if (d.Warnings.Count > 0)
                {
                    w.Raw("<ul class=\"warn\">");
                    foreach (var warning in d.Warnings) w.Raw("<li>").Text(warning).Raw("</li>");
                    w.Raw("</ul>");
                }

                w.Raw("</td></tr>\n");
            }

            w.Raw("</tbody>\n</table>\n</section>\n");
        }

        private static void WriteWarnings(Html w, SyncReport report)
        {
            w.Raw("<section id=\"warnings-section\">\n<h2>Warnings</h2>\n");
            if (report.Warnings.Count == 0)
            {
                w.Raw("<p class=\"none\">No warning.</p>\n</section>\n");
                return;
            }

            w.Raw("<ul id=\"warnings\">\n");
            foreach (var warning in report.Warnings)
            {
                w.Raw("<li><strong>").Text(warning.SpaceKey).Raw("</strong>");
                if (warning.Title != null) w.Raw(", <span class=\"title\">").Text(warning.Title).Raw("</span>");
                w.Raw(": ").Text(warning.Text).Raw("</li>\n");
            }

            w.Raw("</ul>\n</section>\n");
        }

        private const string Dash = "\u2014";

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

            public Html Cell(string? value) => string.IsNullOrEmpty(value) ? Raw("<td class=\"empty\">" + Dash + "</td>") : Raw("<td>").Text(value).Raw("</td>");

            public Html Number(long? value) => value is long n
                ? Raw("<td class=\"num\">").Text(n.ToString(CultureInfo.InvariantCulture)).Raw("</td>")
                : Raw("<td class=\"num empty\">" + Dash + "</td>");

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
th.title, span.title { font-weight: 600; word-break: break-word; }
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
