# Resolve-SyncConflict through the built module, over HTTP, against both emulators run as separate processes: conflicts
# made under conflicts: manual, then settled from the pipeline of Get-SyncConflict or by page id.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    function script:New-ResolvePair([string] $Folder) {
        # Data Center seeded, copied to Cloud like CCMA, baselined; conflicts: manual. Map: DC id -> Cloud id.
        $dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 12 -Seed 31
        Clear-SeededRestrictions $dc
        $cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
        $pair = [pscustomobject]@{ Dc = $dc; Cloud = $cloud; Folder = $Folder; Scope = (Join-Path $Folder 'spacesync.yaml'); Map = $null }
        $pair.Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $dc -Cloud $cloud -SpaceKey ENG -CloudKey ENG2
        $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n    conflicts: manual`n" +
            "state:`n  path: state/spacesync.db`n"
        $null = New-TestScopeFile -Folder $Folder -CloudUrl $cloud.Url -DataCenterUrl $dc.Url -Spaces $spaces
        $null = Start-SpaceBaseline -ScopePath $pair.Scope -SpaceKey ENG
        return $pair
    }

    function script:Get-DcPage($Pair, [string] $Id) {
        Invoke-EmulatorApi $Pair.Dc "/rest/api/content/${Id}?status=current,trashed&expand=body.storage,version,ancestors"
    }

    function script:Get-CloudPage($Pair, [string] $Id) { Invoke-EmulatorApi $Pair.Cloud "/api/v2/pages/${Id}?body-format=storage" }

    function script:Set-DcPage($Pair, [string] $Id, [string] $Body) {
        $page = Get-DcPage $Pair $Id
        $null = Invoke-EmulatorApi $Pair.Dc "/rest/api/content/$Id" -Method Put -Body @{ id = $Id; type = 'page'; title = $page.title; space = @{ key = 'ENG' }
            body = @{ storage = @{ value = $Body; representation = 'storage' } }; version = @{ number = $page.version.number + 1 } }
    }

    function script:Set-CloudPage($Pair, [string] $Id, [string] $Body) {
        $page = Get-CloudPage $Pair $Id
        $null = Invoke-EmulatorApi $Pair.Cloud "/api/v2/pages/$Id" -Method Put -Body @{ id = $Id; status = 'current'; title = $page.title
            body = @{ representation = 'storage'; value = $Body }; version = @{ number = $page.version.number + 1 } }
    }

    function script:Get-Leaves($Pair) {
        # Current Data Center pages with no current child, below the home page, by id.
        $pages = (Invoke-EmulatorApi $Pair.Dc '/rest/api/content?spaceKey=ENG&type=page&expand=ancestors&limit=100').results
        $parents = @{}
        foreach ($p in $pages) { $parent = @($p.ancestors) | Select-Object -Last 1; if ($parent) { $parents[[string]$parent.id] = $true } }
        @($pages | Where-Object { @($_.ancestors).Count -gt 0 -and -not $parents.ContainsKey([string]$_.id) } | ForEach-Object { [string]$_.id } | Sort-Object { [long]$_ })
    }

    function script:Find-Title($Emulator, [string] $Path, [string] $Title) {
        @((Invoke-EmulatorApi $Emulator $Path).results | Where-Object title -eq $Title)
    }

    function script:Get-WriteCount($Pair) { (Get-ConfluenceEmulatorWriteCount $Pair.Dc) + (Get-ConfluenceEmulatorWriteCount $Pair.Cloud) }
}

Describe 'Resolve-SyncConflict' {
    BeforeAll {
        $script:P = New-ResolvePair -Folder (Join-Path $TestDrive 'resolve')
        $script:Leaves = Get-Leaves $script:P
        $script:First = $script:Leaves[0]
        $script:Second = $script:Leaves[1]
        Set-DcPage $script:P $script:First '<p>First: the Data Center text.</p>'
        Set-CloudPage $script:P $script:P.Map[$script:First] '<p>First: the Cloud text.</p>'
        $null = Invoke-SpaceSync -ScopePath $script:P.Scope -Confirm:$false
    }
    AfterAll { if ($script:P) { $script:P.Dc, $script:P.Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator } }

    It 'with -WhatIf writes nothing and leaves the conflict open' {
        $p = $script:P
        @(Get-SyncConflict -ScopePath $p.Scope).Count | Should -Be 1
        Reset-ConfluenceEmulatorStats $p.Dc, $p.Cloud
        $out = Get-SyncConflict -ScopePath $p.Scope | Resolve-SyncConflict -Keep Cloud -WhatIf
        $out | Should -BeNullOrEmpty
        Get-WriteCount $p | Should -Be 0
        (Get-DcPage $p $script:First).body.storage.value | Should -BeExactly '<p>First: the Data Center text.</p>'
        @(Get-SyncConflict -ScopePath $p.Scope).Count | Should -Be 1
    }

    It 'from the pipeline of Get-SyncConflict -Keep Cloud writes the Cloud text to both sites and closes the conflict' {
        $p = $script:P
        $conflict = Get-SyncConflict -ScopePath $p.Scope
        $result = @(Get-SyncConflict -ScopePath $p.Scope | Resolve-SyncConflict -Keep Cloud -Confirm:$false)
        $result.Count | Should -Be 1
        $result[0].PSObject.TypeNames | Should -Contain 'SpaceSync.Core.Reporting.ConflictResolutionResult'
        "$($result[0].Outcome)" | Should -Be 'Resolved'
        "$($result[0].Kept)" | Should -Be 'Cloud'
        $result[0].Message | Should -BeLike "resolved: kept Cloud (v$($conflict.CloudVersion)) over Data Center v$($conflict.DataCenterVersion)*"
        (Get-DcPage $p $script:First).body.storage.value | Should -BeExactly '<p>First: the Cloud text.</p>'
        (Get-CloudPage $p $p.Map[$script:First]).body.storage.value | Remove-CloudLocalId | Should -BeExactly '<p>First: the Cloud text.</p>'
        $old = Invoke-EmulatorApi $p.Dc "/rest/api/content/$($script:First)?status=historical&version=$($conflict.DataCenterVersion)&expand=body.storage"
        $old.body.storage.value | Should -BeExactly '<p>First: the Data Center text.</p>'
        Get-SyncConflict -ScopePath $p.Scope | Should -BeNullOrEmpty

        $history = @(Get-SyncHistory -ScopePath $p.Scope -RunId $result[0].RunId)
        $history.Action | Should -Contain 'resolve-conflict'
        ($history | Where-Object Action -eq 'update-datacenter').Message | Should -BeLike 'resolved: kept Cloud*'
        Get-SyncDrift -ScopePath $p.Scope | Should -BeNullOrEmpty
    }

    It 'reports an id that is not open as an error naming it, and writes nothing' {
        $p = $script:P
        Reset-ConfluenceEmulatorStats $p.Dc, $p.Cloud
        $out = Resolve-SyncConflict -ScopePath $p.Scope -SpaceKey ENG -ConflictId 9999 -Keep Cloud -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'SpaceSync.ConflictNotOpen*'
        "$($failed[0])" | Should -Match '9999'
        "$($failed[0])" | Should -Match "'ENG'"
        Get-WriteCount $p | Should -Be 0
    }

    It '-Keep Both by page id keeps the loser as a sibling on its site, and the next sync copies it across' {
        $p = $script:P
        $cloudId = $p.Map[$script:Second]
        Set-DcPage $p $script:Second '<p>Second: the Data Center text.</p>'
        Set-CloudPage $p $cloudId '<p>Second: the Cloud text.</p>'
        $null = Invoke-SpaceSync -ScopePath $p.Scope -Confirm:$false
        @(Get-SyncConflict -ScopePath $p.Scope).Count | Should -Be 1
        $title = (Get-DcPage $p $script:Second).title

        $result = Resolve-SyncConflict -ScopePath $p.Scope -SpaceKey ENG -PageId $cloudId -Keep Both -Winner DataCenter -Confirm:$false
        "$($result.Outcome)" | Should -Be 'Resolved'
        $copyTitle = "$title (Cloud copy, $([DateTime]::UtcNow.ToString('yyyy-MM-dd')))"
        $result.CopyTitle | Should -Be $copyTitle
        $copy = Get-CloudPage $p $result.CopyPageId
        $copy.title | Should -Be $copyTitle
        $copy.body.storage.value | Remove-CloudLocalId | Should -BeExactly '<p>Second: the Cloud text.</p>'
        $copy.parentId | Should -Be (Get-CloudPage $p $cloudId).parentId
        (Get-CloudPage $p $cloudId).body.storage.value | Remove-CloudLocalId | Should -BeExactly '<p>Second: the Data Center text.</p>'
        Get-SyncConflict -ScopePath $p.Scope | Should -BeNullOrEmpty
        Find-Title $p.Dc '/rest/api/content?spaceKey=ENG&type=page&limit=100' $copyTitle | Should -BeNullOrEmpty

        $run = Invoke-SpaceSync -ScopePath $p.Scope -Confirm:$false
        $run.Count('Create') | Should -Be 1
        $onDc = Find-Title $p.Dc '/rest/api/content?spaceKey=ENG&type=page&limit=100' $copyTitle
        $onDc.Count | Should -Be 1
        (Get-DcPage $p $onDc[0].id).body.storage.value | Should -BeExactly '<p>Second: the Cloud text.</p>'
        Get-SyncDrift -ScopePath $p.Scope | Should -BeNullOrEmpty
    }

    It '-Keep Merged of edits to the same block leaves the conflict open and says which -Keep to choose' {
        $p = $script:P
        $leaf = $script:Leaves[3]
        Set-DcPage $p $leaf '<p>Same block, the Data Center words.</p>'
        Set-CloudPage $p $p.Map[$leaf] '<p>Same block, the Cloud words.</p>'
        $null = Invoke-SpaceSync -ScopePath $p.Scope -Confirm:$false
        Reset-ConfluenceEmulatorStats $p.Dc, $p.Cloud

        $result = Get-SyncConflict -ScopePath $p.Scope | Resolve-SyncConflict -Keep Merged -WarningVariable warned -WarningAction SilentlyContinue
        "$($result.Outcome)" | Should -Be 'Open'
        $result.Message | Should -Match 'the edits overlap \(.*\); choose -Keep Cloud, DataCenter or Both'
        ($warned -join "`n") | Should -Match 'the edits overlap'
        Get-WriteCount $p | Should -Be 0
        @(Get-SyncConflict -ScopePath $p.Scope).Count | Should -Be 1

        $kept = Get-SyncConflict -ScopePath $p.Scope | Resolve-SyncConflict -Keep DataCenter -Confirm:$false
        "$($kept.Outcome)" | Should -Be 'Resolved'
        (Get-CloudPage $p $p.Map[$leaf]).body.storage.value | Remove-CloudLocalId | Should -BeExactly '<p>Same block, the Data Center words.</p>'
    }

    # Needs conflicts: merge in the runner (the lead's issue 5 work); until it is merged the planner leaves every merge open.
    It '-Keep Merged settles edits to different blocks on both sites' -Tag Merge {
        $p = $script:P
        $leaf = $script:Leaves[2]
        Set-DcPage $p $leaf '<p>One.</p><p>Two.</p><p>Three.</p>'
        $null = Invoke-SpaceSync -ScopePath $p.Scope -Confirm:$false
        Set-DcPage $p $leaf '<p>One, on Data Center.</p><p>Two.</p><p>Three.</p>'
        Set-CloudPage $p $p.Map[$leaf] '<p>One.</p><p>Two.</p><p>Three, on Cloud.</p>'
        $null = Invoke-SpaceSync -ScopePath $p.Scope -Confirm:$false

        $result = Get-SyncConflict -ScopePath $p.Scope | Resolve-SyncConflict -Keep Merged
        "$($result.Outcome)" | Should -Be 'Resolved'
        Get-SyncConflict -ScopePath $p.Scope | Should -BeNullOrEmpty
        (Get-DcPage $p $leaf).body.storage.value | Should -Match 'One, on Data Center.*Three, on Cloud'
        (Get-CloudPage $p $p.Map[$leaf]).body.storage.value | Should -Match 'One, on Data Center.*Three, on Cloud'
    }
}
