# Saved plans through the built module, against both emulators: Get-SyncDrift -PlanPath writes a plan a person can read,
# Invoke-SpaceSync -PlanPath applies exactly it and refuses pages edited since, -WhatIf lists the plan's actions.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 10 -Seed 7
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    Clear-SeededRestrictions $script:Dc
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`nstate:`n  path: state/spacesync.db`n"
    $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'plans') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces
    $script:Plan = Join-Path $TestDrive 'plans/eng-plan.json'
    $script:PageIds = @($script:Map.Keys | Sort-Object { [long]$_ })
    $script:A = $script:PageIds[2]
    $script:B = $script:PageIds[4]

    function script:Get-DcPage([string] $Id) { Invoke-EmulatorApi $script:Dc "/rest/api/content/${Id}?expand=body.storage,version" }
    function script:Get-CloudPage([string] $Id) { Invoke-EmulatorApi $script:Cloud "/api/v2/pages/${Id}?body-format=storage" }
    function script:Edit-DcPage([string] $Id, [string] $Text) {
        $page = Get-DcPage $Id
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id" -Method Put -Body @{
            id = $Id; type = 'page'; title = $page.title; space = @{ key = 'ENG' }
            body = @{ storage = @{ value = "<p>$Text</p>"; representation = 'storage' } }; version = @{ number = $page.version.number + 1 } }
        return $page.version.number + 1
    }
    # ShouldProcess writes "What if:" lines to the host only: a transcript is the way to read them back.
    function script:Get-WhatIfLines([scriptblock] $Command) {
        $transcript = Join-Path $TestDrive ("whatif-" + [guid]::NewGuid().ToString('N') + '.txt')
        $null = Start-Transcript -Path $transcript
        try { & $Command } finally { $null = Stop-Transcript }
        return @(Get-Content $transcript | Where-Object { $_ -like 'What if:*' })
    }

    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
    $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Saved plans' {
    It 'writes a plan a person can read: each action with the versions it was planned against' {
        $script:AVersion = Edit-DcPage $script:A 'A edited before the plan.'
        $null = Edit-DcPage $script:B 'B edited before the plan.'

        $drift = Get-SyncDrift -ScopePath $script:Scope -PlanPath $script:Plan
        ($drift.Status | Sort-Object -Unique) | Should -Be 'DataCenterAhead'
        Test-Path $script:Plan | Should -BeTrue

        $json = Get-Content $script:Plan -Raw
        $json | Should -Match '"kind": "Update"'
        $file = $json | ConvertFrom-Json
        $file.formatVersion | Should -Be 2
        $file.contentHash | Should -Match '^[0-9a-f]{32}$'
        $file.scopePath | Should -Be $script:Scope
        @($file.spaces).Count | Should -Be 1
        $space = $file.spaces[0]
        $space.key | Should -Be 'ENG'
        $space.settings.direction | Should -Be 'Both'
        @($space.actions).Count | Should -Be 2
        $a = @($space.actions) | Where-Object { $_.action.pairKey -eq $script:A }
        $a.text | Should -Match "^#\d+ update Cloud page $($script:Map[$script:A]) from v\d+ to v\d+: body from Data Center page $($script:A) v$($script:AVersion)"
        ($a.pages | Where-Object side -eq 'DataCenter').version | Should -Be $script:AVersion
        $a.action.sourceVersion | Should -Be $script:AVersion
        @($space.items).Count | Should -Be 2
    }

    It 'lists under -WhatIf exactly the actions of the plan, which are those of a -WhatIf without a plan, and writes nothing' {
        $fromPlan = Get-WhatIfLines { Invoke-SpaceSync -ScopePath $script:Scope -PlanPath $script:Plan -WhatIf }
        $fresh = Get-WhatIfLines { Invoke-SpaceSync -ScopePath $script:Scope -WhatIf }
        $file = Get-Content $script:Plan -Raw | ConvertFrom-Json
        foreach ($entry in $file.spaces[0].actions) {
            $fromPlan | Where-Object { $_.Contains($entry.text) } | Should -HaveCount 1 -Because "the plan's -WhatIf names action #$($entry.action.id)"
            $fresh | Where-Object { $_.Contains("Cloud page $($entry.action.targetId) ") } | Should -HaveCount 1
        }

        ($fromPlan | Where-Object { $_ -like '*page*(new)*' -or $_ -like '*Update:*' }).Count | Should -Be 2
        $fromPlan | Where-Object { $_ -like '*would be refused*' } | Should -BeNullOrEmpty
        @(Get-SyncDrift -ScopePath $script:Scope).Count | Should -Be 2 -Because '-WhatIf writes nothing'
    }

    It 'applies the plan, refusing with a clear message the page edited since it was made' {
        $again = Edit-DcPage $script:A 'A edited again after the plan.'
        $lines = Get-WhatIfLines { Invoke-SpaceSync -ScopePath $script:Scope -PlanPath $script:Plan -WhatIf }
        $lines | Where-Object { $_ -like "*would be refused: changed since the plan was made: Data Center v$($script:AVersion) → v$again*" } | Should -HaveCount 1

        $result = Invoke-SpaceSync -ScopePath $script:Scope -PlanPath $script:Plan -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $result.Count('Update') | Should -Be 1
        $result.Count('Skipped') | Should -Be 1
        $result.Errors | Should -BeNullOrEmpty
        $warnings | Where-Object { "$_" -like "*Update*changed since the plan was made: Data Center v$($script:AVersion) → v$again*" } | Should -HaveCount 1
        $warnings | Where-Object { "$_" -like '*not in the saved plan, not applied*' } | Should -HaveCount 1

        (Get-CloudPage $script:Map[$script:B]).body.storage.value | Should -Match 'B edited before the plan'
        (Get-CloudPage $script:Map[$script:A]).body.storage.value | Should -Not -Match 'A edited'
    }

    It 'leaves the refused page to the next ordinary run, after which the plan is refused as made on another state' {
        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
        $result.Count('Update') | Should -Be 1
        (Get-CloudPage $script:Map[$script:A]).body.storage.value | Should -Match 'A edited again after the plan'
        Get-SyncDrift -ScopePath $script:Scope | Should -BeNullOrEmpty

        { Invoke-SpaceSync -ScopePath $script:Scope -PlanPath $script:Plan -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SpaceSync.SavedPlanStateChanged,SpaceSync.PowerShell.Cmdlets.InvokeSpaceSyncCommand'
    }

    It 'refuses a plan file that is not one, naming the file' {
        $bad = Join-Path $TestDrive 'plans/not-a-plan.json'
        Set-Content -Path $bad -Value '{ "spaces": 5 }'
        { Invoke-SpaceSync -ScopePath $script:Scope -PlanPath $bad -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SpaceSync.SavedPlanUnreadable,SpaceSync.PowerShell.Cmdlets.InvokeSpaceSyncCommand'
    }

    It 'refuses <Case> before reading a site or the state: <ErrorId> naming the file, nothing written anywhere' -ForEach @(
        @{ Case = 'a plan with a duplicated action'; ErrorId = 'SavedPlanUnreadable'; Says = 'repeats action #'
           Edit = { param($plan) $actions = $plan['spaces'][0]['actions'].AsArray(); $actions.Add($actions[0].DeepClone()) } }
        @{ Case = 'a plan whose settings were edited (maxDeletePercent → 100)'; ErrorId = 'SavedPlanEdited'; Says = 'do not match their settingsHash'
           Edit = { param($plan) $plan['spaces'][0]['settings']['maxDeletePercent'] = [System.Text.Json.Nodes.JsonValue]::Create(100) } }
        @{ Case = 'a plan whose action lost its kind'; ErrorId = 'SavedPlanUnreadable'; Says = '.action.kind is missing'
           Edit = { param($plan) $null = $plan['spaces'][0]['actions'][0]['action'].AsObject().Remove('kind') } }
    ) {
        $null = Edit-DcPage $script:B "B edited before the plan for: $Case."
        $good = Join-Path $TestDrive 'plans/good-plan.json'
        $null = Get-SyncDrift -ScopePath $script:Scope -PlanPath $good
        $plan = [System.Text.Json.Nodes.JsonNode]::Parse((Get-Content $good -Raw))
        @($plan['spaces'][0]['actions'].AsArray()).Count | Should -BeGreaterThan 0
        & $Edit $plan
        $bad = Join-Path $TestDrive 'plans/broken-plan.json'
        Set-Content -Path $bad -Value $plan.ToJsonString([System.Text.Json.JsonSerializerOptions]@{ WriteIndented = $true }) -NoNewline
        $state = Join-Path $TestDrive 'plans/state/spacesync.db'
        $stateBefore = (Get-FileHash $state).Hash
        Reset-ConfluenceEmulatorStats $script:Dc, $script:Cloud

        $record = $null
        try { $null = Invoke-SpaceSync -ScopePath $script:Scope -PlanPath $bad -Confirm:$false -ErrorAction Stop } catch { $record = $_ }

        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -Be "SpaceSync.$ErrorId,SpaceSync.PowerShell.Cmdlets.InvokeSpaceSyncCommand"
        $record.CategoryInfo.Category | Should -Be 'InvalidData'
        $record.CategoryInfo.TargetName | Should -Be $bad
        $record.ErrorDetails.Message | Should -BeLike "*Plan file '$bad'*"
        $record.ErrorDetails.Message | Should -BeLike "*$Says*"
        $record.Exception.GetType().Name | Should -Be 'SavedPlanException' -Because 'no ArgumentException from inside the applier'
        Get-ConfluenceEmulatorWriteCount $script:Dc | Should -Be 0
        Get-ConfluenceEmulatorWriteCount $script:Cloud | Should -Be 0
        (Get-ConfluenceEmulatorStats $script:Dc).total | Should -Be 0 -Because 'the file is refused before any site is read'
        (Get-FileHash $state).Hash | Should -Be $stateBefore

        # The plan as written still applies: only the edit was refused.
        $result = Invoke-SpaceSync -ScopePath $script:Scope -PlanPath $good -Confirm:$false -ErrorAction Stop
        $result.Count('Update') | Should -Be 1
    }
}
