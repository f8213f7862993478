# -ErrorAction Stop on a command that runs several spaces: the first space's error ends the command, and the command
# must not return while its work goes on behind it (the next space waiting or syncing, the state open). Through the
# built module, over HTTP, against emulators slowed down so that a space's run lasts long enough to be seen.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 4 -Seed 5 -ExtraArguments '--latency-ms', '150'
    Clear-SeededRestrictions $script:Dc
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0 -ExtraArguments '--latency-ms', '150'
    $null = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    $folder = Join-Path $TestDrive 'stop'
    # GONE comes first and exists on neither site: its run fails at once; ENG is a real space behind it.
    $script:Scope = New-TestScopeFile -Folder $folder -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url `
        -Spaces "  - key: GONE`n    owner: gone@example.com`n  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n"
    $script:StatePath = Join-Path $folder 'spacesync.db'
    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -ErrorAction Stop

}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'A space error under -ErrorAction Stop' {
    It 'ends the command only once the work behind it ended: nothing holds the state open when it returns' {
        $problem = $null
        try { $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -ErrorAction Stop } catch { $problem = $_ }
        # SQLite removes the write-ahead log when the last connection to the file closes. Before the fix, the run behind
        # GONE's error waited forever for its ShouldProcess answer on a pipeline that no longer listened, holding the
        # state open (and in commands that ask nothing, went on reading and writing after the command had ended).
        Test-Path "$($script:StatePath)-wal" | Should -BeFalse -Because 'the command returned while its work still held the state open'
        $problem | Should -Not -BeNullOrEmpty
        $problem.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.NoBaseline,*'
    }

    It 'leaves the state consistent: the next run of ENG goes through' {
        $result = Invoke-SpaceSync -ScopePath $script:Scope -SpaceKey ENG -Confirm:$false -ErrorAction Stop
        $result.Errors | Should -BeNullOrEmpty
        $result.RunId | Should -Not -BeNullOrEmpty
    }
}
