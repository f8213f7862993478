# Migration phases end to end (issue 5): each phase's direction and conflict preset through the built module, over HTTP,
# against both emulators; and Invoke-SpaceSync -FailOn as a runbook sees it (exit codes of pwsh -File).
# One emulator pair holds a space per phase (created through the REST APIs, copied to Cloud like CCMA); the scope file and
# state live outside TestDrive so that every Describe shares them (Pester clears TestDrive per Describe).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud
    $script:Folder = Join-Path ([IO.Path]::GetTempPath()) ('spacesync-phases-' + [guid]::NewGuid().ToString('n').Substring(0, 8))
    $script:Scope = Join-Path $script:Folder 'spacesync.yaml'

    # Each space: a home page and three children; Pages[KEY][title] = Data Center id, Maps[KEY][dc id] = Cloud id.
    $script:Pages = @{}
    $script:Maps = @{}
    function script:New-PhaseSpace([string] $Key) {
        $space = Invoke-EmulatorApi $script:Dc '/rest/api/space' -Method Post -Body @{ key = $Key; name = "$Key space" }
        $ids = @{}
        foreach ($title in 'Alpha', 'Beta', 'Gamma') {
            $page = Invoke-EmulatorApi $script:Dc '/rest/api/content' -Method Post -Body @{
                type = 'page'; title = "$Key $title"; space = @{ key = $Key }; ancestors = @(@{ id = $space.homepage.id })
                body = @{ storage = @{ value = "<p>$title of $Key as migrated.</p>"; representation = 'storage' } } }
            $ids[$title] = [string]$page.id
        }
        $null = Invoke-EmulatorApi $script:Cloud '/api/v2/spaces' -Method Post -Body @{ key = $Key; name = "$Key space" }
        $script:Pages[$Key] = $ids
        $script:Maps[$Key] = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey $Key -CloudKey $Key
    }

    # The scope file, rewritten in place between runs (same state file): how an operator changes a phase.
    function script:Write-PhaseScope([string] $DcpPhase = 'datacenter-primary') {
        $spaces = @"
  - key: DCP
    owner: dcp@example.com
    phase: $DcpPhase
  - key: DUAL
    owner: dual@example.com
    phase: dual-write
  - key: CLP
    owner: clp@example.com
    phase: cloud-primary
  - key: FRZ
    owner: frz@example.com
    phase: frozen
  - key: LATE
    owner: late@example.com
    phase: dual-write
  - key: OVR
    owner: ovr@example.com
    phase: datacenter-primary
    direction: both
    conflicts: prefer-cloud
state:
  path: state/spacesync.db
"@
        $null = New-TestScopeFile -Folder $script:Folder -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces
    }

    function script:Get-DcPage([string] $Id, [int] $Version) {
        $query = if ($Version) { "version=$Version&" } else { '' }
        Invoke-EmulatorApi $script:Dc "/rest/api/content/${Id}?${query}expand=body.storage,version"
    }
    function script:Get-CloudPage([string] $Id, [int] $Version) {
        $query = if ($Version) { "&version=$Version" } else { '' }
        Invoke-EmulatorApi $script:Cloud "/api/v2/pages/${Id}?body-format=storage$query"
    }
    function script:Set-DcBody([string] $Key, [string] $Id, [string] $Body) {
        $page = Get-DcPage $Id
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id" -Method Put -Body @{
            id = $Id; type = 'page'; title = $page.title; space = @{ key = $Key }
            body = @{ storage = @{ value = $Body; representation = 'storage' } }; version = @{ number = $page.version.number + 1 } }
    }
    function script:Set-CloudBody([string] $Id, [string] $Body) {
        $page = Get-CloudPage $Id
        $null = Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$Id" -Method Put -Body @{
            id = $Id; status = 'current'; title = $page.title; body = @{ representation = 'storage'; value = $Body }
            version = @{ number = $page.version.number + 1 } }
    }
    function script:Set-DcTitle([string] $Key, [string] $Id, [string] $Title) {
        $page = Get-DcPage $Id
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id" -Method Put -Body @{
            id = $Id; type = 'page'; title = $Title; space = @{ key = $Key }
            body = @{ storage = @{ value = $page.body.storage.value; representation = 'storage' } }; version = @{ number = $page.version.number + 1 } }
    }
    function script:Set-CloudTitle([string] $Id, [string] $Title) {
        $page = Get-CloudPage $Id
        $null = Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$Id" -Method Put -Body @{
            id = $Id; status = 'current'; title = $Title; body = @{ representation = 'storage'; value = $page.body.storage.value }
            version = @{ number = $page.version.number + 1 } }
    }
    function script:New-CloudPage([string] $Key, [string] $Title) {
        $space = (Invoke-EmulatorApi $script:Cloud "/api/v2/spaces?keys=$Key").results[0]
        Invoke-EmulatorApi $script:Cloud '/api/v2/pages' -Method Post -Body @{
            spaceId = $space.id; status = 'current'; title = $Title; parentId = $space.homepageId
            body = @{ representation = 'storage'; value = "<p>$Title, written on Cloud.</p>" } }
    }
    function script:New-DcPage([string] $Key, [string] $Title) {
        $space = Invoke-EmulatorApi $script:Dc "/rest/api/space/${Key}?expand=homepage"
        Invoke-EmulatorApi $script:Dc '/rest/api/content' -Method Post -Body @{
            type = 'page'; title = $Title; space = @{ key = $Key }; ancestors = @(@{ id = $space.homepage.id })
            body = @{ storage = @{ value = "<p>$Title, written on Data Center.</p>"; representation = 'storage' } } }
    }
    function script:Find-DcTitle([string] $Key, [string] $Title) {
        @((Invoke-EmulatorApi $script:Dc "/rest/api/content?spaceKey=$Key&title=$([uri]::EscapeDataString($Title))").results)
    }
    function script:Find-CloudTitle([string] $Key, [string] $Title) {
        $space = (Invoke-EmulatorApi $script:Cloud "/api/v2/spaces?keys=$Key").results[0]
        @((Invoke-EmulatorApi $script:Cloud "/api/v2/pages?space-id=$($space.id)&title=$([uri]::EscapeDataString($Title))").results)
    }
    function script:Sync([string] $Key) { Invoke-SpaceSync -ScopePath $script:Scope -SpaceKey $Key -Confirm:$false }
    function script:Drift([string] $Key) { @(Get-SyncDrift -ScopePath $script:Scope -SpaceKey $Key) }
    function script:Writes($Result) {
        # Page writes a run made: every action kind it counts (Create, Update, Trash, Restore, ...), none of the tallies.
        $tallies = 'Skipped', 'Failed', 'Conflicts', 'AdoptedIntents', 'PairedByTitle'
        ($Result.Counts.GetEnumerator() | Where-Object { $_.Key -notin $tallies } | Measure-Object -Property Value -Sum).Sum
    }

    foreach ($key in 'DCP', 'DUAL', 'CLP', 'FRZ', 'OVR') { New-PhaseSpace $key }
    Write-PhaseScope
    $baselines = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey DCP, DUAL, CLP, FRZ, OVR
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    if ($script:Folder) { Remove-Item -Recurse -Force $script:Folder -ErrorAction SilentlyContinue }
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'The resolved phases' {
    It 'baselines every space in sync' {
        foreach ($key in 'DCP', 'DUAL', 'CLP', 'FRZ', 'OVR') { Drift $key | Should -BeNullOrEmpty -Because "$key was just copied" }
    }

    It 'shows each phase preset, and an explicit direction and conflicts beating the phase, with where each came from' {
        $spaces = (Get-SyncScope -ScopePath $script:Scope).Spaces
        $byKey = @{}; foreach ($s in $spaces) { $byKey[$s.Key] = $s }

        "$($byKey.DCP.Direction)/$($byKey.DCP.Conflicts)" | Should -Be 'ToCloud/PreferDataCenter'
        $byKey.DCP.Sources['direction'] | Should -Be 'phase:datacenter-primary'
        $byKey.DCP.Sources['conflicts'] | Should -Be 'phase:datacenter-primary'
        "$($byKey.DUAL.Direction)/$($byKey.DUAL.Conflicts)" | Should -Be 'Both/Manual'
        $byKey.DUAL.Sources['direction'] | Should -Be 'phase:dual-write'
        $byKey.DUAL.Sources['conflicts'] | Should -Be 'built-in' -Because 'dual-write leaves the conflict policy to defaults'
        "$($byKey.CLP.Direction)/$($byKey.CLP.Conflicts)" | Should -Be 'ToDataCenter/PreferCloud'
        $byKey.CLP.Sources['conflicts'] | Should -Be 'phase:cloud-primary'
        "$($byKey.FRZ.Direction)" | Should -Be 'None'
        $byKey.FRZ.Sources['direction'] | Should -Be 'phase:frozen'

        "$($byKey.OVR.Phase)" | Should -Be 'DataCenterPrimary'
        "$($byKey.OVR.Direction)/$($byKey.OVR.Conflicts)" | Should -Be 'Both/PreferCloud'
        $byKey.OVR.Sources['direction'] | Should -Be 'space'
        $byKey.OVR.Sources['conflicts'] | Should -Be 'space'
    }
}

Describe 'datacenter-primary' {
    It 'carries a Data Center edit to Cloud' {
        $dcId = $script:Pages.DCP.Alpha
        Set-DcBody DCP $dcId '<p>Alpha of DCP, edited on Data Center.</p>'

        $result = Sync DCP
        $result.Count('Update') | Should -Be 1
        $result.Errors | Should -BeNullOrEmpty
        (Get-CloudPage $script:Maps.DCP[$dcId]).body.storage.value | Should -Match 'edited on Data Center'
        Drift DCP | Should -BeNullOrEmpty
    }

    It 'reports a Cloud edit, leaves it alone on both sites, and keeps reporting it on the next runs' {
        $dcId = $script:Pages.DCP.Beta
        $cloudId = $script:Maps.DCP[$dcId]
        $dcBefore = Get-DcPage $dcId
        Set-CloudBody $cloudId '<p>Beta of DCP, edited on Cloud.</p>'
        $cloudVersion = (Get-CloudPage $cloudId).version.number

        $drift = Drift DCP
        $drift | Should -HaveCount 1
        "$($drift[0].Status)" | Should -Be 'CloudAhead'
        $drift[0].Action | Should -Match 'direction to-cloud does not write to Data Center'

        $result = Sync DCP
        Writes $result | Should -Be 0
        $result.Errors | Should -BeNullOrEmpty
        $dcAfter = Get-DcPage $dcId
        $dcAfter.version.number | Should -Be $dcBefore.version.number
        $dcAfter.body.storage.value | Should -Be $dcBefore.body.storage.value
        $cloudAfter = Get-CloudPage $cloudId
        $cloudAfter.version.number | Should -Be $cloudVersion -Because 'the Cloud edit is not overwritten'
        $cloudAfter.body.storage.value | Should -Match 'edited on Cloud'

        # Not absorbed into the state: the next run, and a full listing, still see it.
        foreach ($again in 1, 2) {
            $null = Sync DCP
            $still = Drift DCP
            $still | Should -HaveCount 1 -Because "run $again after the edit must not record it as synced"
            "$($still[0].Status)" | Should -Be 'CloudAhead'
        }
        $null = Invoke-SpaceSync -ScopePath $script:Scope -SpaceKey DCP -Full -Confirm:$false
        "$((Drift DCP)[0].Status)" | Should -Be 'CloudAhead'
        (Get-DcPage $dcId).version.number | Should -Be $dcBefore.version.number
    }

    It 'settles an edit on both sites for Data Center, the Cloud text kept in its page history and named by the history entry' {
        $dcId = $script:Pages.DCP.Gamma
        $cloudId = $script:Maps.DCP[$dcId]
        Set-DcBody DCP $dcId '<p>Gamma of DCP: the Data Center text.</p>'
        Set-CloudBody $cloudId '<p>Gamma of DCP: the Cloud text.</p>'
        $loserVersion = (Get-CloudPage $cloudId).version.number

        $conflict = Drift DCP | Where-Object DataCenterId -eq $dcId
        "$($conflict.Status)" | Should -Be 'Conflict'
        $conflict.Action | Should -Match 'update Cloud'

        $result = Sync DCP
        $result.Count('Update') | Should -Be 1
        $cloudNow = Get-CloudPage $cloudId
        $cloudNow.body.storage.value | Should -Match 'the Data Center text'
        $cloudNow.version.number | Should -Be ($loserVersion + 1)
        (Get-CloudPage $cloudId -Version $loserVersion).body.storage.value | Should -Match 'the Cloud text' -Because 'the loser survives in the page history'
        (Get-DcPage $dcId).body.storage.value | Should -Match 'the Data Center text'

        $entry = Get-SyncHistory -ScopePath $script:Scope -SpaceKey DCP | Where-Object { $_.DataCenterPageId -eq $dcId -and $_.RunId -eq $result.RunId }
        $entry | Should -HaveCount 1
        $entry.Action | Should -Be 'update-cloud'
        $entry.CloudVersionBefore | Should -Be $loserVersion
        $entry.CloudVersionAfter | Should -Be ($loserVersion + 1)
        $entry.Message | Should -Match 'prefer-datacenter'
        Get-SyncConflict -ScopePath $script:Scope -SpaceKey DCP | Should -BeNullOrEmpty
    }

    It 'carries the Data Center side of a page both sites changed in different ways, and keeps reporting the Cloud side' {
        # Alpha: body edited on Cloud (left alone), renamed on Data Center (crosses). Gamma: renamed on Cloud (left alone),
        # body edited on Data Center (crosses). The write to Cloud must not count Cloud's own change as synced.
        $alpha = $script:Pages.DCP.Alpha; $gamma = $script:Pages.DCP.Gamma
        Set-CloudBody $script:Maps.DCP[$alpha] '<p>Alpha of DCP, body edited on Cloud.</p>'
        Set-DcTitle DCP $alpha 'DCP Alpha renamed on Data Center'
        Set-CloudTitle $script:Maps.DCP[$gamma] 'DCP Gamma renamed on Cloud'
        Set-DcBody DCP $gamma '<p>Gamma of DCP, body edited on Data Center.</p>'
        $dcAlphaBody = (Get-DcPage $alpha).body.storage.value
        $dcGammaTitle = (Get-DcPage $gamma).title

        $result = Sync DCP
        $result.Count('Update') | Should -Be 2
        $cloudAlpha = Get-CloudPage $script:Maps.DCP[$alpha]
        $cloudAlpha.title | Should -Be 'DCP Alpha renamed on Data Center'
        $cloudAlpha.body.storage.value | Should -Match 'body edited on Cloud'
        $cloudGamma = Get-CloudPage $script:Maps.DCP[$gamma]
        $cloudGamma.title | Should -Be 'DCP Gamma renamed on Cloud'
        $cloudGamma.body.storage.value | Should -Match 'body edited on Data Center'
        (Get-DcPage $alpha).body.storage.value | Should -Be $dcAlphaBody
        (Get-DcPage $gamma).title | Should -Be $dcGammaTitle

        foreach ($run in 1, 2) {
            $drift = Drift DCP
            "$(($drift | Where-Object DataCenterId -eq $alpha).Status)" | Should -Be 'CloudAhead' -Because "Cloud's body edit is still not on Data Center ($run)"
            "$(($drift | Where-Object DataCenterId -eq $gamma).Status)" | Should -Be 'CloudAhead' -Because "Cloud's rename is still not on Data Center ($run)"
            $again = Sync DCP
            Writes $again | Should -Be 0
        }
        (Get-CloudPage $script:Maps.DCP[$alpha]).body.storage.value | Should -Match 'body edited on Cloud'
        (Get-CloudPage $script:Maps.DCP[$gamma]).title | Should -Be 'DCP Gamma renamed on Cloud'
    }

    It 'reports a page created on Cloud only, and does not copy it' {
        $null = New-CloudPage DCP 'DCP written on Cloud'
        $item = Drift DCP | Where-Object Title -eq 'DCP written on Cloud'
        "$($item.Status)" | Should -Be 'OnlyOnCloud'
        $item.Action | Should -Match 'does not write to Data Center'

        $result = Sync DCP
        $result.Count('Create') | Should -Be 0
        Find-DcTitle DCP 'DCP written on Cloud' | Should -BeNullOrEmpty
        (Drift DCP | Where-Object Title -eq 'DCP written on Cloud').Status | Should -Be 'OnlyOnCloud'
    }
}

Describe 'dual-write' {
    It 'carries edits both ways in one run' {
        $alpha = $script:Pages.DUAL.Alpha; $beta = $script:Pages.DUAL.Beta
        Set-DcBody DUAL $alpha '<p>Alpha of DUAL, edited on Data Center.</p>'
        Set-CloudBody $script:Maps.DUAL[$beta] '<p>Beta of DUAL, edited on Cloud.</p>'

        $result = Sync DUAL
        $result.Count('Update') | Should -Be 2
        (Get-CloudPage $script:Maps.DUAL[$alpha]).body.storage.value | Should -Match 'edited on Data Center'
        (Get-DcPage $beta).body.storage.value | Should -Match 'edited on Cloud'
        Drift DUAL | Should -BeNullOrEmpty
    }

    It 'leaves an edit on both sites untouched under its default policy (manual) and reports the conflict' {
        $dcId = $script:Pages.DUAL.Gamma
        $cloudId = $script:Maps.DUAL[$dcId]
        Set-DcBody DUAL $dcId '<p>Gamma of DUAL: the Data Center text.</p>'
        Set-CloudBody $cloudId '<p>Gamma of DUAL: the Cloud text.</p>'
        $dcVersion = (Get-DcPage $dcId).version.number
        $cloudVersion = (Get-CloudPage $cloudId).version.number

        $result = Sync DUAL
        Writes $result | Should -Be 0
        $result.Conflicts | Should -HaveCount 1
        $result.Conflicts[0].Action | Should -Match 'manual'
        (Get-DcPage $dcId).version.number | Should -Be $dcVersion
        (Get-CloudPage $cloudId).version.number | Should -Be $cloudVersion
        (Get-DcPage $dcId).body.storage.value | Should -Match 'the Data Center text'
        (Get-CloudPage $cloudId).body.storage.value | Should -Match 'the Cloud text'
        (Get-SyncConflict -ScopePath $script:Scope -SpaceKey DUAL).DataCenterId | Should -Be $dcId
    }
}

Describe 'cloud-primary' {
    It 'carries a Cloud edit to Data Center' {
        $dcId = $script:Pages.CLP.Alpha
        Set-CloudBody $script:Maps.CLP[$dcId] '<p>Alpha of CLP, edited on Cloud.</p>'

        $result = Sync CLP
        $result.Count('Update') | Should -Be 1
        (Get-DcPage $dcId).body.storage.value | Should -Match 'edited on Cloud'
        Drift CLP | Should -BeNullOrEmpty
    }

    It 'reports a Data Center edit and leaves it alone on both sites, run after run' {
        $dcId = $script:Pages.CLP.Beta
        $cloudId = $script:Maps.CLP[$dcId]
        $cloudBefore = Get-CloudPage $cloudId
        Set-DcBody CLP $dcId '<p>Beta of CLP, edited on Data Center.</p>'
        $dcVersion = (Get-DcPage $dcId).version.number

        $drift = Drift CLP
        "$($drift.Status)" | Should -Be 'DataCenterAhead'
        $drift.Action | Should -Match 'direction to-datacenter does not write to Cloud'

        foreach ($run in 1, 2) {
            $result = Sync CLP
            Writes $result | Should -Be 0
            "$((Drift CLP).Status)" | Should -Be 'DataCenterAhead' -Because "run $run must not record the edit as synced"
        }
        $cloudAfter = Get-CloudPage $cloudId
        $cloudAfter.version.number | Should -Be $cloudBefore.version.number
        $cloudAfter.body.storage.value | Should -Be $cloudBefore.body.storage.value
        (Get-DcPage $dcId).version.number | Should -Be $dcVersion
    }

    It 'settles an edit on both sites for Cloud, the Data Center text kept in its page history' {
        $dcId = $script:Pages.CLP.Gamma
        $cloudId = $script:Maps.CLP[$dcId]
        Set-DcBody CLP $dcId '<p>Gamma of CLP: the Data Center text.</p>'
        Set-CloudBody $cloudId '<p>Gamma of CLP: the Cloud text.</p>'
        $loserVersion = (Get-DcPage $dcId).version.number

        $result = Sync CLP
        $result.Count('Update') | Should -Be 1
        (Get-DcPage $dcId).body.storage.value | Should -Match 'the Cloud text'
        (Get-DcPage $dcId -Version $loserVersion).body.storage.value | Should -Match 'the Data Center text'
        (Get-CloudPage $cloudId).body.storage.value | Should -Match 'the Cloud text'

        $entry = Get-SyncHistory -ScopePath $script:Scope -SpaceKey CLP | Where-Object { $_.DataCenterPageId -eq $dcId -and $_.RunId -eq $result.RunId }
        $entry.Action | Should -Be 'update-datacenter'
        $entry.DataCenterVersionBefore | Should -Be $loserVersion
        $entry.Message | Should -Match 'prefer-cloud'
    }

    It 'carries a Cloud rename to Data Center without taking the Data Center body edit it leaves alone for synced' {
        $alpha = $script:Pages.CLP.Alpha
        $cloudId = $script:Maps.CLP[$alpha]
        Set-DcBody CLP $alpha '<p>Alpha of CLP, body edited on Data Center.</p>'
        Set-CloudTitle $cloudId 'CLP Alpha renamed on Cloud'
        $cloudBody = (Get-CloudPage $cloudId).body.storage.value

        $result = Sync CLP
        $result.Count('Update') | Should -Be 1
        $dcAlpha = Get-DcPage $alpha
        $dcAlpha.title | Should -Be 'CLP Alpha renamed on Cloud'
        $dcAlpha.body.storage.value | Should -Match 'body edited on Data Center'
        (Get-CloudPage $cloudId).body.storage.value | Should -Be $cloudBody

        foreach ($run in 1, 2) {
            "$((Drift CLP | Where-Object DataCenterId -eq $alpha).Status)" | Should -Be 'DataCenterAhead' -Because "the Data Center body edit is still not on Cloud ($run)"
            Writes (Sync CLP) | Should -Be 0 -Because 'the Cloud body must not be pushed over the Data Center edit'
        }
        (Get-DcPage $alpha).body.storage.value | Should -Match 'body edited on Data Center'
        (Get-CloudPage $cloudId).body.storage.value | Should -Be $cloudBody
    }

    It 'reports a page created on Data Center only, and does not copy it' {
        $null = New-DcPage CLP 'CLP written on Data Center'
        "$((Drift CLP | Where-Object Title -eq 'CLP written on Data Center').Status)" | Should -Be 'OnlyOnDataCenter'

        $result = Sync CLP
        $result.Count('Create') | Should -Be 0
        Find-CloudTitle CLP 'CLP written on Data Center' | Should -BeNullOrEmpty
    }
}

Describe 'frozen' {
    It 'writes nothing to either site and reports every edit' {
        $alpha = $script:Pages.FRZ.Alpha; $beta = $script:Pages.FRZ.Beta
        Set-DcBody FRZ $alpha '<p>Alpha of FRZ, edited on Data Center.</p>'
        Set-CloudBody $script:Maps.FRZ[$beta] '<p>Beta of FRZ, edited on Cloud.</p>'
        $null = New-DcPage FRZ 'FRZ written on Data Center'
        $null = New-CloudPage FRZ 'FRZ written on Cloud'

        $drift = Drift FRZ
        ($drift.Status | ForEach-Object { "$_" } | Sort-Object) | Should -Be @('CloudAhead', 'DataCenterAhead', 'OnlyOnCloud', 'OnlyOnDataCenter')
        foreach ($item in $drift) { $item.Action | Should -Match '^none' }

        Reset-ConfluenceEmulatorStats $script:Dc, $script:Cloud
        $result = Sync FRZ
        Writes $result | Should -Be 0
        $result.Errors | Should -BeNullOrEmpty
        Get-ConfluenceEmulatorWriteCount $script:Dc | Should -Be 0
        Get-ConfluenceEmulatorWriteCount $script:Cloud | Should -Be 0
        @(Drift FRZ) | Should -HaveCount 4 -Because 'every edit stays reported'
        Find-CloudTitle FRZ 'FRZ written on Data Center' | Should -BeNullOrEmpty
        Find-DcTitle FRZ 'FRZ written on Cloud' | Should -BeNullOrEmpty
    }
}

Describe 'An explicit direction and conflicts beat the phase' {
    It 'carries a Cloud edit to Data Center and lets Cloud win a conflict, although the phase is datacenter-primary' {
        $alpha = $script:Pages.OVR.Alpha; $gamma = $script:Pages.OVR.Gamma
        Set-CloudBody $script:Maps.OVR[$alpha] '<p>Alpha of OVR, edited on Cloud.</p>'
        Set-DcBody OVR $gamma '<p>Gamma of OVR: the Data Center text.</p>'
        Set-CloudBody $script:Maps.OVR[$gamma] '<p>Gamma of OVR: the Cloud text.</p>'

        $result = Sync OVR
        $result.Count('Update') | Should -Be 2
        (Get-DcPage $alpha).body.storage.value | Should -Match 'Alpha of OVR, edited on Cloud'
        (Get-DcPage $gamma).body.storage.value | Should -Match 'the Cloud text'
        (Get-CloudPage $script:Maps.OVR[$gamma]).body.storage.value | Should -Match 'the Cloud text'
        Drift OVR | Should -BeNullOrEmpty
    }
}

Describe 'Changing a phase between runs' {
    It 'carries the edits a one-way phase left alone once the phase allows it' {
        $beta = $script:Pages.DCP.Beta
        (Get-DcPage $beta).body.storage.value | Should -Not -Match 'edited on Cloud'

        Write-PhaseScope -DcpPhase 'dual-write'
        try {
            $result = Sync DCP
            $result.Count('Update') | Should -Be 3
            $result.Count('Create') | Should -Be 1
            (Get-DcPage $beta).body.storage.value | Should -Match 'Beta of DCP, edited on Cloud'
            (Get-DcPage $script:Pages.DCP.Alpha).body.storage.value | Should -Match 'Alpha of DCP, body edited on Cloud'
            (Get-DcPage $script:Pages.DCP.Alpha).title | Should -Be 'DCP Alpha renamed on Data Center'
            (Get-DcPage $script:Pages.DCP.Gamma).title | Should -Be 'DCP Gamma renamed on Cloud'
            (Get-DcPage $script:Pages.DCP.Gamma).body.storage.value | Should -Match 'Gamma of DCP, body edited on Data Center'
            Find-DcTitle DCP 'DCP written on Cloud' | Should -HaveCount 1
            Drift DCP | Should -BeNullOrEmpty
        }
        finally { Write-PhaseScope }
    }
}

Describe 'Invoke-SpaceSync -FailOn in a runbook' {
    BeforeAll {
        # DUAL holds an open manual conflict (dual-write Describe). A runbook as an admin writes it, run by pwsh -File.
        function script:Invoke-Runbook([string] $FailOn) {
            $failOnText = if ($FailOn) { " -FailOn $FailOn" } else { '' }
            $runbook = Join-Path $script:Folder ("runbook-{0}.ps1" -f [guid]::NewGuid().ToString('n').Substring(0, 6))
            @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-TestModuleManifest)'
Invoke-SpaceSync -ScopePath '$($script:Scope)' -SpaceKey DUAL -Confirm:`$false$failOnText |
    ForEach-Object { "RESULT `$(`$_.SpaceKey) CONFLICTS `$(`$_.Conflicts.Count) ERRORS `$(`$_.Errors.Count)" }
'END OF RUNBOOK'
"@ | Set-Content -Path $runbook
            Push-Location (Get-RepositoryRoot)   # dotnet pwsh works only inside the tree with the tool manifest
            try { $output = & dotnet pwsh -NoProfile -NonInteractive -File $runbook 2>&1; $code = $LASTEXITCODE }
            finally { Pop-Location }
            [pscustomobject]@{ ExitCode = $code; Output = ($output | ForEach-Object { "$_" }) -join "`n" }
        }
    }

    It 'exits non-zero with SpaceSync.ConflictsOpen after writing the results when conflicts are open' {
        $run = Invoke-Runbook 'Conflict'
        $run.ExitCode | Should -Not -Be 0
        $run.Output | Should -Match 'RESULT DUAL CONFLICTS 1 ERRORS 0' -Because 'the result is written before the command fails'
        $run.Output | Should -Match '(?s)SpaceSync\.ConflictsOpen: .*DUAL: 1 open conflict'
        $run.Output | Should -Not -Match 'END OF RUNBOOK'
    }

    It 'ends the command after its results reached the pipeline' {
        $results = $null
        $caught = $null
        try { Invoke-SpaceSync -ScopePath $script:Scope -SpaceKey DUAL -FailOn Conflict, Error -Confirm:$false -OutVariable results | Out-Null }
        catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.ConflictsOpen,*'
        "$($caught.CategoryInfo.Category)" | Should -Be 'InvalidResult'
        $caught.TargetObject | Should -Be 'DUAL'
        @($results) | Should -HaveCount 1
        $results[0].SpaceKey | Should -Be 'DUAL'
        $results[0].Conflicts | Should -HaveCount 1
    }

    It 'exits 0 without -FailOn, and with -FailOn Error when nothing failed' {
        $plain = Invoke-Runbook ''
        $plain.ExitCode | Should -Be 0 -Because $plain.Output
        $plain.Output | Should -Match 'RESULT DUAL CONFLICTS 1 ERRORS 0'
        $plain.Output | Should -Match 'END OF RUNBOOK'

        $errorsOnly = Invoke-Runbook 'Error'
        $errorsOnly.ExitCode | Should -Be 0 -Because $errorsOnly.Output
        $errorsOnly.Output | Should -Match 'END OF RUNBOOK'
        $errorsOnly.Output | Should -Not -Match 'SpaceSync\.(RunErrors|ConflictsOpen)'
    }

    It 'fails with SpaceSync.RunErrors under -FailOn Error when a space cannot run (no baseline), after the other spaces ran' {
        $caught = $null
        $results = $null
        try {
            Invoke-SpaceSync -ScopePath $script:Scope -SpaceKey DUAL, LATE -FailOn Error -Confirm:$false -ErrorAction SilentlyContinue `
                -ErrorVariable problems -OutVariable results | Out-Null
        }
        catch { $caught = $_ }
        $problems.FullyQualifiedErrorId | Should -Contain 'SpaceSync.NoBaseline,SpaceSync.PowerShell.Cmdlets.InvokeSpaceSyncCommand'
        $caught.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.RunErrors,*'
        "$($caught.CategoryInfo.Category)" | Should -Be 'InvalidOperation'
        $caught.TargetObject | Should -Be 'LATE' -Because 'DUAL has a conflict but no error, and Conflict was not asked for'
        $caught.Exception.Message | Should -Match 'LATE: stopped by NoBaseline'
        @($results).SpaceKey | Should -Be @('DUAL')
    }
}
