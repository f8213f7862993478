# Start-SpaceBaseline -IdMapPath through the built module: CCMA's page id map pairs what paths cannot.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 12 -Seed 9
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`nstate:`n  path: state/spacesync.db`n"
    $script:Folder = Join-Path $TestDrive 'idmap'
    $script:Scope = New-TestScopeFile -Folder $script:Folder -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces

    # After the migration, two Cloud pages were renamed: their paths no longer match, only the map can pair them.
    $script:Renamed = @($script:Map.Keys | Sort-Object { [long]$_ } | Select-Object -Skip 3 -First 2)
    foreach ($dcId in $script:Renamed) {
        $cloudId = $script:Map[$dcId]
        $page = Invoke-EmulatorApi $script:Cloud "/api/v2/pages/${cloudId}?body-format=storage"
        $null = Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$cloudId" -Method Put -Body @{
            id = $cloudId; status = 'current'; title = "$($page.title) (Cloud)"
            body = @{ representation = 'storage'; value = $page.body.storage.value }; version = @{ number = $page.version.number + 1 } }
    }
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Start-SpaceBaseline -IdMapPath' {
    It 'refuses a broken map before it records anything, naming the line' {
        $bad = Join-Path $script:Folder 'broken.csv'
        "serverId,cloudPageId`n$($script:Renamed[0]),$($script:Map[$script:Renamed[0]])`nnot-a-number,17`n" | Set-Content -Path $bad -NoNewline
        $err = { Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -IdMapPath $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'SpaceSync.IdMapInvalid*' -PassThru
        $err.Exception.Message | Should -Match 'broken\.csv'
        $err.Exception.Message | Should -Match ':3'
        Get-SyncedSpace -ScopePath $script:Scope -Offline | Select-Object -ExpandProperty PairedPages | Should -Be 0
    }

    It 'without the map, the renamed pages stay unpaired' {
        $preview = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -WhatIf
        @($preview | Where-Object Status -eq 'Unpaired').Count | Should -BeGreaterOrEqual 4 # each renamed page on both sides
    }

    It 'pairs every page by the CCMA map (CSV), the renamed ones included' {
        $csv = Join-Path $script:Folder 'ccma-page-map.csv'
        $lines = @('serverId,cloudPageId') + @($script:Map.Keys | ForEach-Object { "$_,$($script:Map[$_])" })
        $lines | Set-Content -Path $csv
        $result = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -IdMapPath $csv
        $result.PairsRecorded | Should -Be $script:Map.Count
        $result.PairedByIdMap | Should -Be $script:Map.Count
        $result.Unpaired | Should -Be 0
        # The renames are differences the baseline records; the next sync carries them as Cloud renames.
        $drift = @(Get-SyncDrift -ScopePath $script:Scope)
        @($drift | Where-Object Status -eq 'CloudAhead').Count | Should -Be 2
    }

    It 'reads the JSON form too (re-baseline with -Force)' {
        $json = Join-Path $script:Folder 'ccma-page-map.json'
        $items = @{}
        foreach ($key in $script:Map.Keys) { $items["$key"] = "$($script:Map[$key])" }
        @{ items = $items } | ConvertTo-Json -Depth 3 | Set-Content -Path $json
        $result = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -IdMapPath $json -Force
        $result.PairedByIdMap | Should -Be $script:Map.Count
        $result.Unpaired | Should -Be 0
    }
}
