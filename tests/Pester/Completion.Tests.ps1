# Argument completion through the built module and TabExpansion2 (issue 15 item 5): -SpaceKey from the scope file and
# -ConflictId / -RunId from the state file, found as the command would find them - against PowerShell's current location,
# which is not the process directory - and read without changing the state file.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    function script:Complete([string] $Line) { @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches) }

    # ENG baselined, synced once with a page edited on both sides (one open conflict, three runs); DOCS only named.
    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 8 -Seed 41
    Clear-SeededRestrictions $script:Dc
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    $map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n    conflicts: manual`n" +
        "  - key: DOCS`n    cloudKey: DOCS2`n    owner: docs@example.com`n    phase: cloud-primary`n" +
        "state:`n  path: state/spacesync.db`n"
    $script:Folder = Join-Path $TestDrive 'here'
    $script:Scope = New-TestScopeFile -Folder $script:Folder -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces
    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -WarningAction SilentlyContinue
    $page = @((Invoke-EmulatorApi $script:Dc '/rest/api/content?spaceKey=ENG&type=page&expand=ancestors,version&limit=100').results |
            Where-Object { @($_.ancestors).Count -gt 0 })[-1]
    $script:Title = $page.title
    $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($page.id)" -Method Put -Body @{ id = $page.id; type = 'page'; title = $page.title
        space = @{ key = 'ENG' }; body = @{ storage = @{ value = '<p>Data Center.</p>'; representation = 'storage' } }; version = @{ number = $page.version.number + 1 } }
    $twin = Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$($map[[string]$page.id])?body-format=storage"
    $null = Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$($twin.id)" -Method Put -Body @{ id = $twin.id; status = 'current'; title = $twin.title
        body = @{ representation = 'storage'; value = '<p>Cloud.</p>' }; version = @{ number = $twin.version.number + 1 } }
    $null = Invoke-SpaceSync -ScopePath $script:Scope -SpaceKey ENG -Confirm:$false -WarningAction SilentlyContinue
    $null = Invoke-SpaceSync -ScopePath $script:Scope -SpaceKey ENG -Confirm:$false -WarningAction SilentlyContinue
    $script:Conflict = Get-SyncConflict -ScopePath $script:Scope -SpaceKey ENG
    $script:Runs = @(Get-SyncHistory -ScopePath $script:Scope -SpaceKey ENG | Select-Object -ExpandProperty RunId -Unique)

    # The process directory holds another scope file with another space: a completer reading it would offer OPS.
    $script:Elsewhere = Join-Path $TestDrive 'elsewhere'
    $null = New-TestScopeFile -Folder $script:Elsewhere -Spaces "  - key: OPS`n    owner: ops@example.com`n"
    $script:ProcessDirectory = [Environment]::CurrentDirectory
    [Environment]::CurrentDirectory = $script:Elsewhere
    Push-Location $script:Folder
}

AfterAll {
    Pop-Location
    if ($script:ProcessDirectory) { [Environment]::CurrentDirectory = $script:ProcessDirectory }
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
}

Describe 'Argument completion' {
    It '-SpaceKey completes the spaces of ./spacesync.yaml in $PWD, not of the process directory, with Cloud key and phase' {
        [Environment]::CurrentDirectory | Should -Be $script:Elsewhere
        $results = Complete 'Get-SyncedSpace -SpaceKey '
        $results.CompletionText | Should -Be @('ENG', 'DOCS')
        $results[0].ToolTip | Should -Match 'Cloud ENG2'
        $results[0].ToolTip | Should -Match 'dual-write'
        $results[1].ToolTip | Should -Match 'Cloud DOCS2.*cloud-primary'
        (Complete 'Invoke-SpaceSync -SpaceKey d').CompletionText | Should -Be @('DOCS')
    }

    It '-SpaceKey follows a relative or drive-qualified -ScopePath on the line, resolved against $PWD' {
        Push-Location $TestDrive
        try {
            (Complete 'Get-SyncDrift -ScopePath here/spacesync.yaml -SpaceKey ').CompletionText | Should -Be @('ENG', 'DOCS')
            (Complete 'Get-SyncDrift -ScopePath ./elsewhere/spacesync.yaml -SpaceKey ').CompletionText | Should -Be @('OPS')
            (Complete "Get-SyncDrift -ScopePath 'TestDrive:/elsewhere/spacesync.yaml' -SpaceKey ").CompletionText | Should -Be @('OPS')
        }
        finally { Pop-Location }
    }

    It '-ConflictId completes the open conflicts with the page title and reason, leaving the state file as it was' {
        $state = Join-Path $script:Folder 'state/spacesync.db'
        $before = (Get-FileHash $state).Hash
        $results = Complete 'Resolve-SyncConflict -Keep Cloud -ConflictId '
        $results.CompletionText | Should -Be @("$($script:Conflict.ConflictId)")
        $results[0].ToolTip | Should -BeLike "*$($script:Title)*"
        $results[0].ToolTip | Should -BeLike "*$($script:Conflict.Reason)*"
        (Get-FileHash $state).Hash | Should -Be $before
    }

    It '-RunId completes the runs newest first with kind, time and outcome' {
        $results = Complete 'Get-SyncHistory -RunId '
        $all = @(Complete 'Get-SyncHistory -SpaceKey ENG -RunId ')
        $all.CompletionText | Should -Be @($all.CompletionText | Sort-Object { [long]$_ } -Descending)
        $results.CompletionText | Should -Contain "$($script:Runs[-1])"
        $newest = $results | Where-Object CompletionText -eq "$($script:Runs[-1])"
        $newest.ToolTip | Should -Match '^Sync run of ENG, .+: Succeeded$'
        ($results | Where-Object ToolTip -like 'Baseline run*') | Should -Not -BeNullOrEmpty
    }

    It 'offers nothing, and throws nothing, where the scope or the state file is missing or broken' {
        $broken = Join-Path $TestDrive 'broken'
        New-Item -ItemType Directory -Path $broken -Force | Out-Null
        Set-Content -Path (Join-Path $broken 'spacesync.yaml') -Value "version: 1`nspaces: [ {"
        Push-Location $broken
        try {
            $Error.Clear()
            (Complete 'Get-SyncedSpace -SpaceKey ').CompletionText | Should -Not -Contain 'ENG'
            (Complete 'Resolve-SyncConflict -ConflictId ').CompletionText | Should -Not -Contain "$($script:Conflict.ConflictId)"
            $Error.Count | Should -Be 0
        }
        finally { Pop-Location }
        # A scope whose state file does not exist yet: no file is created by completing.
        $fresh = Join-Path $TestDrive 'fresh'
        $null = New-TestScopeFile -Folder $fresh -Spaces "  - key: NEW`n    owner: new@example.com`n"
        Push-Location $fresh
        try {
            (Complete 'Get-SyncHistory -RunId ').CompletionText | Should -Not -Contain '1'
            Get-ChildItem $fresh -Recurse -Filter '*.db*' | Should -BeNullOrEmpty
        }
        finally { Pop-Location }
    }
}
