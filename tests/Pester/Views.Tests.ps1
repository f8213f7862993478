# The module's default views through the built module, on real output from both emulators: at 80 columns every table
# keeps the columns an admin decides on (issue 15 item 4), whole and wrapped rather than cut; Format-List gives the rest.
# $host.UI.RawUI cannot be resized in a non-interactive pwsh, so the width is Out-String's.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    function script:Get-Column([string] $Text, [string] $Header, [string] $Next) {
        # The text of one left-aligned table column, every row and wrapped line joined, white space removed: a value is
        # whole in the column when it is a substring of this (wrapping splits it over lines but drops nothing).
        $lines = $Text -split "`r?`n"
        $rule = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^[\s-]+$' -and $l -match '--' })
        $rule | Should -BeGreaterThan 0 -Because "a table has a header rule:`n$Text"
        $head = $lines[$rule - 1]
        $start = ([regex]::Match($head, "(?<=^|\s)$([regex]::Escape($Header))(?=\s|$)")).Index
        $head | Should -Match "(^|\s)$([regex]::Escape($Header))(\s|$)"
        $end = if ($Next) { $head.IndexOf($Next, $start) } else { [int]::MaxValue }
        $cells = foreach ($line in $lines[($rule + 1)..($lines.Count - 1)]) {
            if ($line.Length -gt $start) { $line.Substring($start, [math]::Min($end, $line.Length) - $start) }
        }
        ($cells -join '') -replace '\s', ''
    }

    function script:Assert-Whole([string] $Column, [string] $Value) {
        $Column | Should -BeLike "*$(($Value -replace '\s', '') -replace '([\[\]\*\?])', '`$1')*" -Because "'$Value' must show whole"
    }

    function script:Assert-Fits([string] $Text, [int] $Width) {
        foreach ($line in $Text -split "`r?`n") { $line.TrimEnd().Length | Should -BeLessOrEqual $Width -Because "line '$line'" }
        $Text | Should -Not -Match '…' -Because 'a cut value ends in an ellipsis'
    }

    # Data Center seeded, copied to Cloud like CCMA, baselined; then one page edited on both sides (a conflict) and one on
    # Data Center only (an update to make): each view has rows with real, long values.
    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 12 -Seed 31
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    $map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n    conflicts: manual`n" +
        "state:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'views') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces
    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -WarningAction SilentlyContinue
    $pages = @((Invoke-EmulatorApi $script:Dc '/rest/api/content?spaceKey=ENG&type=page&expand=ancestors,version&limit=100').results |
            Where-Object { @($_.ancestors).Count -gt 0 -and $_.title -notmatch 'API Review|Database Overview' })
    $script:Both = $pages[-1]; $script:DcOnly = $pages[-2]
    foreach ($page in $script:Both, $script:DcOnly) {
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($page.id)" -Method Put -Body @{ id = $page.id; type = 'page'; title = $page.title
            space = @{ key = 'ENG' }; body = @{ storage = @{ value = '<p>Edited on Data Center.</p>'; representation = 'storage' } }
            version = @{ number = $page.version.number + 1 } }
    }
    $twin = Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$($map[[string]$script:Both.id])?body-format=storage"
    $null = Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$($twin.id)" -Method Put -Body @{ id = $twin.id; status = 'current'; title = $twin.title
        body = @{ representation = 'storage'; value = '<p>Edited on Cloud.</p>' }; version = @{ number = $twin.version.number + 1 } }
}

AfterAll { $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator }

Describe 'Views at 80 columns' {
    It 'Get-SyncDrift keeps Status, Title and Action whole' {
        $items = @(Get-SyncDrift -ScopePath $script:Scope -WarningAction SilentlyContinue)
        $text = $items | Out-String -Width 80
        Assert-Fits $text 80
        $status = Get-Column $text 'Status' 'Title'; $title = Get-Column $text 'Title' 'Action'; $action = Get-Column $text 'Action'
        $conflict = $items | Where-Object Status -eq 'Conflict'
        $conflict.Action.Length | Should -BeGreaterThan 25 -Because 'the test needs an action longer than its column'
        foreach ($item in $items) {
            Assert-Whole $status "$($item.Status)"
            Assert-Whole $title $item.Title
            Assert-Whole $action $item.Action
        }
        Assert-Whole $action $conflict.Action
    }

    It 'Get-SyncedSpace keeps Paired, Conflicts, the pending counts and the Phase' {
        $space = Get-SyncedSpace -ScopePath $script:Scope -WarningAction SilentlyContinue
        $space.PendingToCloud | Should -Be 1
        $text = $space | Out-String -Width 80
        Assert-Fits $text 80
        Assert-Whole (Get-Column $text 'Phase' 'Paired') 'dual-write'
        $row = ($text -split "`r?`n" | Where-Object { $_ -match '^ENG\s' })
        $row | Should -Match "\s$($space.PairedPages)\s+0 \(\+1 new\)\s+1\s+0\s"
        $text | Should -Match 'Paired\s+Conflicts\s+ToCloud\s+ToDC'
    }

    It 'Get-SyncConflict keeps the whole Reason, wrapped, at 80 and at 120 columns' {
        $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -WarningAction SilentlyContinue
        $conflict = Get-SyncConflict -ScopePath $script:Scope
        $conflict.Reason.Length | Should -BeGreaterThan 60 -Because 'the test needs a reason longer than its column'
        foreach ($width in 80, 120) {
            $text = $conflict | Out-String -Width $width
            Assert-Fits $text $width
            Assert-Whole (Get-Column $text 'Reason') $conflict.Reason
            Assert-Whole (Get-Column $text 'Title' 'Reason') $conflict.Title
            $text | Should -Match "(?m)^\s+$($conflict.ConflictId)\s+ENG\s" -Because 'Id and Space lead the row'
        }
    }

    It 'Get-SyncHistory keeps Title and Action and shows no empty versions' {
        $text = Get-SyncHistory -ScopePath $script:Scope | Out-String -Width 80
        Assert-Fits $text 80
        Assert-Whole (Get-Column $text 'Title' 'Action') $script:DcOnly.title
        Assert-Whole (Get-Column $text 'Action') 'update-cloud'
        $text | Should -Not -Match 'v→v'
        $list = Get-SyncHistory -ScopePath $script:Scope | Where-Object Action -eq 'update-cloud' | Format-List | Out-String -Width 80
        $list | Should -Match "DataCenter : page $($script:DcOnly.id)\s"
        $list | Should -Match 'Cloud\s+: page \d+ v\d+→v\d+'
    }

    It 'the list views give the long form: ids and versions of both pages' {
        $conflict = Get-SyncConflict -ScopePath $script:Scope
        $text = $conflict | Format-List | Out-String -Width 80
        $text | Should -Match "DataCenter : page $($script:Both.id) v\d+→v\d+"
        $text | Should -Match 'Since\s+: \S'
        $drift = Get-SyncDrift -ScopePath $script:Scope -WarningAction SilentlyContinue | Where-Object Status -eq 'Conflict' | Format-List | Out-String -Width 80
        $drift | Should -Match "DataCenter : page $($script:Both.id) v\d+"
        $space = Get-SyncedSpace -ScopePath $script:Scope -Offline | Format-List | Out-String -Width 80
        $space | Should -Match 'CloudKey\s+: ENG2'
        $space | Should -Match 'PendingToCloud\s+: \? \(not computed\)'
    }

    It 'Get-SyncedSpace shows the phase as the word Where-Object Phase matches, whole' {
        # The same state under a scope that says datacenter-primary: the longest phase word (the table once showed it cut to dc-primary).
        $copy = Join-Path (Split-Path $script:Scope) 'dc-primary.yml'
        (Get-Content -Raw $script:Scope) -replace 'phase: dual-write', 'phase: datacenter-primary' | Set-Content -Path $copy
        $text = Get-SyncedSpace -ScopePath $copy -Offline | Out-String -Width 80
        Assert-Fits $text 80
        Assert-Whole (Get-Column $text 'Phase' 'Paired') 'datacenter-primary'
        @(Get-SyncedSpace -ScopePath $copy -Offline | Where-Object Phase -eq 'datacenter-primary').Count | Should -Be 1
    }

    It 'Resolve-SyncConflict results keep Outcome and Message' {
        $results = Get-SyncConflict -ScopePath $script:Scope | Resolve-SyncConflict -Keep Cloud -Confirm:$false
        $text = $results | Out-String -Width 80
        Assert-Fits $text 80
        Assert-Whole (Get-Column $text 'Outcome' 'Message') 'Resolved'
        Assert-Whole (Get-Column $text 'Message') $results.Message
    }

    It "Invoke-SpaceSync's action outcomes keep Outcome, Action, Title and Message" {
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($script:DcOnly.id)" -Method Put -Body @{ id = $script:DcOnly.id; type = 'page'
            title = $script:DcOnly.title; space = @{ key = 'ENG' }; body = @{ storage = @{ value = '<p>Edited again.</p>'; representation = 'storage' } }
            version = @{ number = $script:DcOnly.version.number + 2 } }
        $outcomes = @(Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -PassThru -WarningAction SilentlyContinue |
                Where-Object { $_.PSObject.TypeNames[0] -eq 'SpaceSync.Core.Sync.SyncActionOutcome' })
        $outcomes.Count | Should -BeGreaterThan 0
        $text = $outcomes | Out-String -Width 80
        Assert-Fits $text 80
        Assert-Whole (Get-Column $text 'Title' 'Message') $script:DcOnly.title
        Assert-Whole (Get-Column $text 'Message') $outcomes[0].Message
        $text | Should -Match '\sDone\s+Update\s+Cloud\s'
    }
}
