# Export-SyncReport (issue 5 item 5) through the built module against both emulators: a seeded, baselined space with
# drift and one open conflict whose title is markup. The HTML page is opened in headless Chromium, which must run its
# script without any error and paint a page that holds the summary and the conflict; JSON and CSV are read back.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    # The screenshot is kept with the test results, for a person to look at.
    $script:ResultsDir = Join-Path (Get-RepositoryRoot) 'out/test-results'
    New-Item -ItemType Directory -Force -Path $script:ResultsDir | Out-Null

    # Counting a PNG's colours needs its pixels: a small decoder (8-bit RGB/RGBA, not interlaced: what Chromium writes).
    if (-not ('SpaceSyncTests.PngProbe' -as [type])) {
        Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;
namespace SpaceSyncTests {
    public static class PngProbe {
        public static int DistinctColours(string path) {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < 8 || bytes[0] != 0x89 || bytes[1] != (byte)'P') throw new InvalidDataException(path + " is not a PNG");
            int pos = 8, width = 0, height = 0, depth = 0, type = 0, interlace = 0;
            var data = new MemoryStream();
            while (pos + 8 <= bytes.Length) {
                int length = (bytes[pos] << 24) | (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3];
                string chunk = Encoding.ASCII.GetString(bytes, pos + 4, 4);
                if (chunk == "IHDR") {
                    width = (bytes[pos + 8] << 24) | (bytes[pos + 9] << 16) | (bytes[pos + 10] << 8) | bytes[pos + 11];
                    height = (bytes[pos + 12] << 24) | (bytes[pos + 13] << 16) | (bytes[pos + 14] << 8) | bytes[pos + 15];
                    depth = bytes[pos + 16]; type = bytes[pos + 17]; interlace = bytes[pos + 20];
                } else if (chunk == "IDAT") data.Write(bytes, pos + 8, length);
                else if (chunk == "IEND") break;
                pos += 12 + length;
            }
            if (depth != 8 || (type != 2 && type != 6) || interlace != 0)
                throw new NotSupportedException("PNG depth " + depth + ", colour type " + type + ", interlace " + interlace);
            int bpp = type == 6 ? 4 : 3, stride = width * bpp;
            data.Position = 0;
            var raw = new byte[(stride + 1) * height];
            using (var z = new ZLibStream(data, CompressionMode.Decompress)) {
                int read = 0, n;
                while (read < raw.Length && (n = z.Read(raw, read, raw.Length - read)) > 0) read += n;
                if (read != raw.Length) throw new InvalidDataException("PNG pixel data is short");
            }
            var prev = new byte[stride]; var cur = new byte[stride]; var colours = new HashSet<int>();
            for (int y = 0; y < height; y++) {
                int row = y * (stride + 1), filter = raw[row];
                for (int x = 0; x < stride; x++) {
                    int a = x >= bpp ? cur[x - bpp] : 0, b = prev[x], c = x >= bpp ? prev[x - bpp] : 0, v = raw[row + 1 + x];
                    switch (filter) {
                        case 0: break;
                        case 1: v += a; break;
                        case 2: v += b; break;
                        case 3: v += (a + b) / 2; break;
                        case 4: { int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                                  v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c; break; }
                        default: throw new InvalidDataException("PNG filter " + filter);
                    }
                    cur[x] = (byte)v;
                }
                for (int x = 0; x < stride; x += bpp) colours.Add((cur[x] << 16) | (cur[x + 1] << 8) | cur[x + 2]);
                var t = prev; prev = cur; cur = t;
            }
            return colours.Count;
        }
    }
}
'@
    }

    if (-not (Get-Command chromium -ErrorAction SilentlyContinue)) {
        throw "Chromium is not on PATH: the report test renders the page with it. Run tools/Install-Chromium.sh (build.ps1 -Task Test does)."
    }

    function script:Invoke-HeadlessChromium([string] $HtmlPath, [string] $ScreenshotPath, [int] $Width = 1280) {
        # One headless Chromium run: the DOM after the page's scripts ran (stdout), the screenshot, and its log (stderr),
        # where --enable-logging=stderr --v=0 puts every console message and uncaught exception as an "INFO:CONSOLE" line.
        $userData = Join-Path ([IO.Path]::GetTempPath()) ('spacesync-chromium-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $userData | Out-Null
        try {
            $url = [Uri]::new((Resolve-Path -LiteralPath $HtmlPath).ProviderPath).AbsoluteUri
            $start = [Diagnostics.ProcessStartInfo]::new('chromium')
            foreach ($argument in '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync', "--user-data-dir=$userData",
                '--enable-logging=stderr', '--v=0', '--hide-scrollbars', "--window-size=$Width,1600", "--screenshot=$ScreenshotPath",
                '--dump-dom', $url) {
                $start.ArgumentList.Add($argument)
            }
            $start.RedirectStandardOutput = $true
            $start.RedirectStandardError = $true
            $start.UseShellExecute = $false
            $process = [Diagnostics.Process]::Start($start)
            $stdout = $process.StandardOutput.ReadToEndAsync()
            $stderr = $process.StandardError.ReadToEndAsync()
            if (-not $process.WaitForExit(90000)) {
                $process.Kill($true)
                throw "Chromium did not finish rendering $HtmlPath within 90 s."
            }
            $process.WaitForExit()
            $log = $stderr.GetAwaiter().GetResult()
            [pscustomobject]@{
                ExitCode   = $process.ExitCode
                Dom        = $stdout.GetAwaiter().GetResult()
                # The report's script logs nothing: any console line is a script error, a CSP refusal or a failed load.
                Console    = @($log -split '\r?\n' | Where-Object { $_ -match ':CONSOLE\b|Uncaught' })
                Log        = $log
                Screenshot = $ScreenshotPath
            }
        }
        finally {
            Remove-Item -Recurse -Force -LiteralPath $userData -ErrorAction SilentlyContinue
        }
    }

    function script:Assert-RenderedReport([pscustomobject] $Rendering, [string[]] $MustShow) {
        # Throws unless the page rendered cleanly: no console error, the summary table and the given texts in the DOM
        # after scripts, and a screenshot that is not blank.
        if ($Rendering.ExitCode -ne 0) { throw "Chromium exited with $($Rendering.ExitCode): $($Rendering.Log)" }
        if ($Rendering.Console.Count -gt 0) { throw "Script errors on the page: $($Rendering.Console -join ' | ')" }
        if ($Rendering.Dom -notmatch '<table id="summary"') { throw 'The rendered page has no summary table.' }
        foreach ($text in $MustShow) {
            if (-not $Rendering.Dom.Contains($text)) { throw "The rendered page does not show '$text'." }
        }
        if (-not (Test-Path -LiteralPath $Rendering.Screenshot)) { throw "No screenshot at $($Rendering.Screenshot)." }
        $colours = [SpaceSyncTests.PngProbe]::DistinctColours($Rendering.Screenshot)
        if ($colours -lt 16) { throw "The screenshot is blank ($colours distinct colours)." }
        return $colours
    }

    # Measures the page as the browser laid it out: a copy of the report gets one more script (allowed by its hash, the
    # report's own policy otherwise kept) that opens every collapsed group, notes each element reaching past the window's
    # right edge or cut inside its cell, and each link with its place, then closes the groups again for the screenshot.
    $script:ProbeScript = @'
(function () {
  var width = document.documentElement.clientWidth, clipped = [], links = [];
  var groups = Array.prototype.slice.call(document.querySelectorAll('details'));
  groups.forEach(function (d) { d.open = true; });
  if (document.documentElement.scrollWidth > width) { clipped.push('page ' + document.documentElement.scrollWidth + ' > ' + width); }
  Array.prototype.forEach.call(document.body.querySelectorAll('*'), function (e) {
    var r = e.getBoundingClientRect(), name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className : '');
    if (r.width === 0 && r.height === 0) { return; }
    if (r.right > width + 1) { clipped.push(name + ' ends at ' + Math.round(r.right)); }
    var svg = e.ownerSVGElement;
    if (svg && r.right > svg.getBoundingClientRect().right + 1) { clipped.push(name + ' past its chart: ' + e.textContent); }
    if ((e.tagName === 'TD' || e.tagName === 'TH') && e.scrollWidth > e.clientWidth + 1) { clipped.push(name + ' cut: ' + e.textContent.slice(0, 40)); }
  });
  Array.prototype.forEach.call(document.querySelectorAll('a[href]'), function (a) {
    var r = a.getBoundingClientRect();
    links.push({ href: a.getAttribute('href'), shown: r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= width + 1 });
  });
  var titles = Array.prototype.map.call(document.querySelectorAll('th.title'), function (t) { return Math.round(t.getBoundingClientRect().width); });
  groups.forEach(function (d) { d.open = false; });
  var out = document.createElement('pre');
  out.id = 'layout-probe';
  out.hidden = true;
  out.textContent = JSON.stringify({ width: width, clipped: clipped, links: links, titleWidths: titles });
  document.body.appendChild(out);
}());
'@ -replace "`r`n", "`n"

    function script:New-ProbedPage([string] $HtmlPath, [string] $OutPath) {
        $sha = [Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($script:ProbeScript))
        $html = [IO.File]::ReadAllText($HtmlPath)
        $html = $html.Replace("script-src '", "script-src 'sha256-$([Convert]::ToBase64String($sha))' '")
        $html = $html.Replace('</body>', "<script>$($script:ProbeScript)</script>`n</body>")
        [IO.File]::WriteAllText($OutPath, $html)
    }

    function script:Get-LayoutProbe([pscustomobject] $Rendering) {
        if ($Rendering.Dom -notmatch '<pre id="layout-probe"[^>]*>([^<]*)</pre>') { throw "The layout probe did not run: $($Rendering.Console -join ' | ')" }
        [Net.WebUtility]::HtmlDecode($Matches[1]) | ConvertFrom-Json
    }

    function script:Get-DcPage([pscustomobject] $Pair, [string] $Id) {
        Invoke-EmulatorApi $Pair.Dc "/rest/api/content/${Id}?expand=body.storage,version"
    }

    function script:Set-DcPage([pscustomobject] $Pair, [string] $Id, [string] $Title, [string] $Body) {
        $page = Get-DcPage $Pair $Id
        $null = Invoke-EmulatorApi $Pair.Dc "/rest/api/content/$Id" -Method Put -Body @{
            id = $Id; type = 'page'; title = $(if ($Title) { $Title } else { $page.title }); space = @{ key = 'ENG' }
            body = @{ storage = @{ value = $(if ($Body) { $Body } else { $page.body.storage.value }); representation = 'storage' } }
            version = @{ number = $page.version.number + 1 } }
    }

    function script:Set-CloudPage([pscustomobject] $Pair, [string] $Id, [string] $Body) {
        $page = Invoke-EmulatorApi $Pair.Cloud "/api/v2/pages/${Id}?body-format=storage"
        $null = Invoke-EmulatorApi $Pair.Cloud "/api/v2/pages/$Id" -Method Put -Body @{
            id = $Id; status = 'current'; title = $page.title; body = @{ representation = 'storage'; value = $Body }
            version = @{ number = $page.version.number + 1 } }
    }

    # Titles are user data: the conflicted page's title is markup with both kinds of quotes.
    $script:EvilTitle = '<script>alert("pwned")</script> & ''Budget'' "Q4"'
    $script:EvilTitleInDom = '&lt;script&gt;alert("pwned")&lt;/script&gt; &amp; ''Budget'' "Q4"'

    $folder = Join-Path $TestDrive 'report'
    New-Item -ItemType Directory -Path $folder | Out-Null
    $dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 12 -Seed 31
    Clear-SeededRestrictions $dc
    $cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    $script:P = [pscustomobject]@{ Dc = $dc; Cloud = $cloud; Folder = $folder; Scope = (Join-Path $folder 'spacesync.yaml'); Map = $null }

    $pages = @((Invoke-EmulatorApi $dc '/rest/api/content?spaceKey=ENG&type=page&expand=ancestors&limit=100').results |
            Where-Object { @($_.ancestors).Count -gt 0 } | Sort-Object { [long]$_.id })
    $script:ConflictId = [string]$pages[0].id
    $script:AheadId = [string]$pages[1].id
    $script:LaterRestrictedId = [string]$pages[2].id
    Set-DcPage $script:P $script:ConflictId -Title $script:EvilTitle

    $script:P.Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $dc -Cloud $cloud -SpaceKey ENG -CloudKey ENG2
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n    conflicts: manual`n" +
        "state:`n  path: state/spacesync.db`n"
    $null = New-TestScopeFile -Folder $folder -CloudUrl $cloud.Url -DataCenterUrl $dc.Url -Spaces $spaces
    $null = Start-SpaceBaseline -ScopePath $script:P.Scope -SpaceKey ENG

    # One conflict (both sides edited, manual policy: recorded and left open), then one page ahead on Data Center.
    Set-DcPage $script:P $script:ConflictId -Body '<p>The Data Center text.</p>'
    Set-CloudPage $script:P $script:P.Map[$script:ConflictId] -Body '<p>The Cloud text.</p>'
    $run = Invoke-SpaceSync -ScopePath $script:P.Scope -Confirm:$false
    if ($run.Count('Conflicts') -ne 1) { throw "Setup: expected one conflict, the run reported $($run.Count('Conflicts'))." }
    Set-DcPage $script:P $script:AheadId -Body '<p>Edited on Data Center after the last sync.</p>'
}

AfterAll {
    if ($script:P) { $script:P.Dc, $script:P.Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator }
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Export-SyncReport' {
    It 'writes a self-contained HTML page with every title escaped and returns the file with -PassThru' {
        $path = Join-Path $script:P.Folder 'report.html'
        $file = Export-SyncReport -ScopePath $script:P.Scope -Path $path -PassThru
        $file | Should -BeOfType [System.IO.FileInfo]
        $file.FullName | Should -Be $path

        $html = Get-Content -Raw -LiteralPath $path
        $html | Should -Not -Match '<script>alert' -Because 'a title is text, never markup'
        $html | Should -Match ([regex]::Escape('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;Budget&#39; &quot;Q4&quot;'))
        $html | Should -Not -Match '\bsrc\s*=|url\(|<link' -Because 'the page loads nothing from anywhere'
        $sites = [regex]::Escape($script:P.Dc.Url) + '|' + [regex]::Escape($script:P.Cloud.Url)
        @([regex]::Matches($html, 'href="([^"]*)"') | Where-Object { $_.Groups[1].Value -notmatch "^($sites)(/|$)" }) |
            Should -BeNullOrEmpty -Because 'links go to the two sites only'
        $html | Should -Not -Match 'emulator-(token|pat)' -Because 'no secret reaches a report'
        @([regex]::Matches($html, '<script')).Count | Should -Be 1
        $html | Should -Match '<tr data-status="Conflict">'
        $html | Should -Match '<tr data-status="DataCenterAhead">'
        Get-ChildItem -LiteralPath $script:P.Folder -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }

    It 'renders in headless Chromium without a script error, showing the summary and the conflict (screenshot kept)' {
        $html = Join-Path $script:P.Folder 'report.html'
        $png = Join-Path $script:ResultsDir 'report.png'
        Remove-Item -LiteralPath $png -ErrorAction SilentlyContinue
        $rendering = Invoke-HeadlessChromium -HtmlPath $html -ScreenshotPath $png

        $colours = Assert-RenderedReport $rendering -MustShow $script:EvilTitleInDom, '<table id="conflicts"', '<table id="drift"', 'DataCenterAhead'
        # The script ran: it showed the filter controls and counted the rows, and made the headers sort buttons.
        $rendering.Dom | Should -Match '<div id="drift-controls" class="controls">'
        $rendering.Dom | Should -Match '<output id="drift-count">2 of 2 shown</output>'
        $rendering.Dom | Should -Match '<th scope="col"><button type="button">Status</button></th>'
        $rendering.Dom | Should -Not -Match '<script>alert'
        Write-Host "Report screenshot: $png ($colours distinct colours, $((Get-Item $png).Length) bytes)"
    }

    It 'renders at <Width> px with nothing clipped and links to both pages of the conflict and both versions (screenshot kept)' -ForEach @(
        @{ Width = 1400 }, @{ Width = 800 }
    ) {
        $probed = Join-Path $TestDrive "report-$Width.html"
        New-ProbedPage (Join-Path $script:P.Folder 'report.html') $probed
        $png = Join-Path $script:ResultsDir "report-$Width.png"
        Remove-Item -LiteralPath $png -ErrorAction SilentlyContinue
        $rendering = Invoke-HeadlessChromium -HtmlPath $probed -ScreenshotPath $png -Width $Width
        $null = Assert-RenderedReport $rendering -MustShow $script:EvilTitleInDom
        $probe = Get-LayoutProbe $rendering

        $probe.width | Should -BeGreaterThan ($Width - 20) -Because 'the page was laid out at the width asked for'
        $probe.clipped | Should -BeNullOrEmpty
        $probe.titleWidths | ForEach-Object { $_ | Should -BeGreaterOrEqual 180 -Because 'a title has room for its words' }
        $cloudId = $script:P.Map[$script:ConflictId]
        $wanted = "$($script:P.Dc.Url)/pages/viewpage.action?pageId=$($script:ConflictId)",
            "$($script:P.Cloud.Url)/spaces/ENG2/pages/$cloudId",
            "$($script:P.Dc.Url)/pages/viewpage.action?pageId=$($script:ConflictId)&pageVersion=",
            "$($script:P.Cloud.Url)/pages/viewpage.action?pageId=$cloudId&pageVersion=",
            "$($script:P.Dc.Url)/pages/viewpage.action?pageId=$($script:AheadId)"
        $shown = @($probe.links | Where-Object shown | ForEach-Object href)
        foreach ($link in $wanted) {
            @($shown | Where-Object { $_.StartsWith($link) }).Count | Should -BeGreaterThan 0 -Because "$link must be a link on the page, in view"
        }
        Write-Host "Report at $Width px: $png"
    }

    It 'fails the layout check on a table wider than the window and on chart text past its edge' {
        $wide = Join-Path $TestDrive 'wide.html'
        Set-Content -LiteralPath $wide -Value ('<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src ''none''; script-src ''sha256-none''"></head><body>' +
            '<table id="summary"><tr><td><b>ENG</b> <i>text</i></td><td>' + ('x' * 300) + '</td></tr></table>' +
            '<svg viewBox="0 0 100 20" width="100"><text x="60" y="15">cut off at the edge</text></svg></body></html>')
        $probed = Join-Path $TestDrive 'wide-probed.html'
        New-ProbedPage $wide $probed
        $probe = Get-LayoutProbe (Invoke-HeadlessChromium -HtmlPath $probed -ScreenshotPath (Join-Path $TestDrive 'wide.png') -Width 800)
        $probe.clipped | Should -Not -BeNullOrEmpty
        $probe.clipped -join ' ' | Should -Match 'table#summary ends at'
        $probe.clipped -join ' ' | Should -Match 'text past its chart: cut off'
    }

    It 'says with -WhatIf which file it would write, and writes nothing' {
        $path = Join-Path $script:P.Folder 'whatif.html'
        $transcript = Join-Path $TestDrive 'whatif.txt'
        $null = Start-Transcript -Path $transcript
        try { $result = Export-SyncReport -ScopePath $script:P.Scope -Path $path -PassThru -WhatIf } finally { $null = Stop-Transcript }
        $result | Should -BeNullOrEmpty
        Test-Path -LiteralPath $path | Should -BeFalse
        @(Get-Content $transcript | Where-Object { $_ -like 'What if:*' }) |
            Should -Be "What if: Performing the operation `"Write the Html report (1 space collection(s), 1 open conflict(s), 2 drift item(s))`" on target `"$path`"."
        Get-ChildItem -LiteralPath $script:P.Folder -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }

    It 'fails the rendering check on a page whose script throws' {
        $broken = Join-Path $TestDrive 'broken.html'
        Set-Content -LiteralPath $broken -Value ('<!DOCTYPE html><html><body><table id="summary"><tr><td>ENG</td></tr></table>' +
            '<p>Visible text, colours: <b style="color:red">red</b> <i style="color:blue">blue</i></p>' +
            '<script>document.title = "half"; throw new Error("deliberately broken");</script></body></html>')
        $rendering = Invoke-HeadlessChromium -HtmlPath $broken -ScreenshotPath (Join-Path $TestDrive 'broken.png')
        { Assert-RenderedReport $rendering -MustShow 'ENG' } | Should -Throw '*Uncaught Error: deliberately broken*'
    }

    It 'fails the rendering check on a report whose script was altered (the page policy refuses it, the check sees that)' {
        $altered = Join-Path $TestDrive 'altered.html'
        $html = Get-Content -Raw -LiteralPath (Join-Path $script:P.Folder 'report.html')
        $html.Replace("'use strict';", "'use strict'; throw new Error('altered');") | Set-Content -LiteralPath $altered -NoNewline
        $rendering = Invoke-HeadlessChromium -HtmlPath $altered -ScreenshotPath (Join-Path $TestDrive 'altered.png')
        { Assert-RenderedReport $rendering -MustShow $script:EvilTitleInDom } | Should -Throw '*Script errors on the page:*Content Security Policy*'
    }

    It 'fails the rendering check on a blank page' {
        $blank = Join-Path $TestDrive 'blank.html'
        # The markup is all there, but nothing is painted.
        Set-Content -LiteralPath $blank -Value '<!DOCTYPE html><html><body style="visibility:hidden"><table id="summary"><tr><td>ENG</td></tr></table></body></html>'
        $rendering = Invoke-HeadlessChromium -HtmlPath $blank -ScreenshotPath (Join-Path $TestDrive 'blank.png')
        { Assert-RenderedReport $rendering -MustShow 'ENG' } | Should -Throw '*blank*'
    }

    It 'writes JSON with the space status, the open conflict, the drift and enum names' {
        $path = Join-Path $script:P.Folder 'report.json'
        Export-SyncReport -ScopePath $script:P.Scope -Path $path
        $report = Get-Content -Raw -LiteralPath $path | ConvertFrom-Json

        $report.schemaVersion | Should -Be 1
        $report.scopePath | Should -Be $script:P.Scope
        $report.sitesRead | Should -BeTrue
        $report.spaces.spaceKey | Should -Be 'ENG'
        $report.spaces[0].phase | Should -Be 'dual-write'
        $report.spaces[0].openConflicts | Should -Be 1
        $report.spaces[0].pendingToCloud | Should -Be 1
        $report.spaces[0].pendingConflicts | Should -Be 1
        $report.conflicts.Count | Should -Be 1
        $report.conflicts[0].title | Should -BeExactly $script:EvilTitle
        $report.conflicts[0].dataCenterId | Should -Be $script:ConflictId
        ($report.drift.status | Sort-Object) | Should -Be 'Conflict', 'DataCenterAhead'
        ($report.drift | Where-Object status -EQ 'DataCenterAhead').dataCenterChanges | Should -Be 'Body'
    }

    It 'writes the drift table as CSV with a byte-order mark, one row per page with its space' {
        $path = Join-Path $script:P.Folder 'drift.csv'
        Export-SyncReport -ScopePath $script:P.Scope -Path $path -IncludeInSync
        $bytes = [IO.File]::ReadAllBytes($path)
        $bytes[0..2] | Should -Be 0xEF, 0xBB, 0xBF
        $rows = @(Import-Csv -LiteralPath $path)
        $pages = (Invoke-EmulatorApi $script:P.Dc '/rest/api/content?spaceKey=ENG&type=page&limit=200').results
        $rows.Count | Should -Be @($pages).Count -Because 'every page is listed with -IncludeInSync'
        ($rows | Where-Object Status -EQ 'Conflict').Title | Should -BeExactly $script:EvilTitle
        ($rows | Where-Object Status -EQ 'DataCenterAhead').DataCenterId | Should -Be $script:AheadId
        $rows.SpaceKey | Select-Object -Unique | Should -Be 'ENG'
    }

    It 'takes DriftItems from the pipeline without reading the sites again' {
        $drift = @(Get-SyncDrift -ScopePath $script:P.Scope)
        Reset-ConfluenceEmulatorStats $script:P.Dc, $script:P.Cloud
        $path = Join-Path $script:P.Folder 'piped.json'
        $drift | Export-SyncReport -ScopePath $script:P.Scope -Path $path

        (Get-ConfluenceEmulatorStats $script:P.Dc).total + (Get-ConfluenceEmulatorStats $script:P.Cloud).total | Should -Be 0
        $report = Get-Content -Raw -LiteralPath $path | ConvertFrom-Json
        $report.sitesRead | Should -BeFalse
        @($report.drift).Count | Should -Be $drift.Count
        $report.conflicts[0].title | Should -BeExactly $script:EvilTitle
        $report.spaces[0].pendingToCloud | Should -BeNullOrEmpty -Because 'pending counts need the sites'
    }

    It 'reads the spaces piped from Get-SyncedSpace' {
        $path = Join-Path $script:P.Folder 'from-status.json'
        Get-SyncedSpace -ScopePath $script:P.Scope -Offline | Export-SyncReport -Path $path
        $report = Get-Content -Raw -LiteralPath $path | ConvertFrom-Json
        $report.sitesRead | Should -BeTrue
        $report.spaces.spaceKey | Should -Be 'ENG'
        $report.spaces[0].pendingToCloud | Should -Be 1
        ($report.drift.status | Sort-Object) | Should -Be 'Conflict', 'DataCenterAhead'
    }

    It 'refuses DriftItems and spaces to read in one pipeline' {
        $path = Join-Path $script:P.Folder 'mixed.json'
        $mixed = @(Get-SyncDrift -ScopePath $script:P.Scope)[0], (Get-SyncedSpace -ScopePath $script:P.Scope -Offline)
        { $mixed | Export-SyncReport -ScopePath $script:P.Scope -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'SpaceSync.ReportInputMixed,*'
        Test-Path $path | Should -BeFalse
    }

    It 'refuses an unknown extension without -Format and writes it with -Format' {
        $path = Join-Path $script:P.Folder 'report.txt'
        { Export-SyncReport -ScopePath $script:P.Scope -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'SpaceSync.ReportFormatUnknown,*'
        Test-Path $path | Should -BeFalse
        Export-SyncReport -ScopePath $script:P.Scope -Path $path -Format Json
        (Get-Content -Raw $path | ConvertFrom-Json).schemaVersion | Should -Be 1
    }

    It 'replaces an existing file, and keeps it with -NoClobber' {
        $path = Join-Path $script:P.Folder 'existing.csv'
        Set-Content -LiteralPath $path -Value 'keep me'
        { Export-SyncReport -ScopePath $script:P.Scope -Path $path -NoClobber -ErrorAction Stop } | Should -Throw -ErrorId 'SpaceSync.NoClobber,*'
        Get-Content -Raw $path | Should -BeExactly "keep me`n"
        Export-SyncReport -ScopePath $script:P.Scope -Path $path
        Get-Content -TotalCount 1 $path | Should -Match '^\uFEFF?SpaceKey,Status,Title'
    }

    # Last: the restriction changes the drift the tests above count.
    It 'collapses a restricted page under its count below the conflict, and the opened group still fits 800 px' {
        $me = Invoke-EmulatorApi $script:P.Dc '/rest/api/user/current'
        $null = Invoke-EmulatorApi $script:P.Dc "/rest/api/content/$($script:LaterRestrictedId)/restriction" -Method Put -Body (, @(
            @{ operation = 'read'; restrictions = @{ user = @(@{ type = 'known'; userKey = $me.userKey }); group = @() } }))  # one JSON array
        $path = Join-Path $script:P.Folder 'restricted.html'
        Export-SyncReport -ScopePath $script:P.Scope -Path $path -Full -WarningAction SilentlyContinue
        $html = Get-Content -Raw -LiteralPath $path

        $html | Should -Match '<summary>Restricted: 1 page left alone on purpose'
        $html.IndexOf('<tr data-status="Conflict">') | Should -BeLessThan $html.IndexOf('<details class="left-alone" id="left-alone-Restricted">')
        $html | Should -Not -Match '<details[^>]* open'

        $probed = Join-Path $TestDrive 'restricted-800.html'
        New-ProbedPage $path $probed
        $rendering = Invoke-HeadlessChromium -HtmlPath $probed -ScreenshotPath (Join-Path $script:ResultsDir 'report-restricted-800.png') -Width 800
        $null = Assert-RenderedReport $rendering -MustShow $script:EvilTitleInDom
        $probe = Get-LayoutProbe $rendering
        $probe.clipped | Should -BeNullOrEmpty
        @($probe.links | Where-Object { $_.shown -and $_.href -eq "$($script:P.Dc.Url)/pages/viewpage.action?pageId=$($script:LaterRestrictedId)" }).Count |
            Should -Be 1 -Because 'the restricted row, once opened, links to its page too'
    }
}
