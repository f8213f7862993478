# New-SyncScope, Test-SyncScope (offline) and Get-SyncScope through the built module.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
}

Describe 'New-SyncScope' {
    It 'writes a scope file that validates as it stands' {
        $path = Join-Path $TestDrive 'new/spacesync.yaml'
        $file = New-SyncScope -Path $path -CloudUrl https://acme.atlassian.net/wiki -DataCenterUrl https://wiki.acme.internal/confluence -SpaceKey ENG, OPS -Owner eng-docs@acme.com
        $file | Should -BeOfType [System.IO.FileInfo]
        $file.FullName | Should -Be $path
        $text = Get-Content -Raw $path
        $text | Should -Match '(?m)^\s*#'                       # commented
        $text | Should -Match 'env:SPACESYNC_CLOUD_TOKEN'
        $findings = Test-SyncScope -ScopePath $path
        $findings | Where-Object Severity -eq 'Error' | Should -BeNullOrEmpty
        (Get-SyncScope -ScopePath $path).Spaces.Key | Should -Be @('ENG', 'OPS')
    }

    It 'refuses to overwrite an existing file without -Force' {
        $path = Join-Path $TestDrive 'exists.yaml'
        Set-Content -Path $path -Value 'keep me'
        { New-SyncScope -Path $path -CloudUrl https://a.atlassian.net/wiki -DataCenterUrl https://dc.example.com -SpaceKey ENG -Owner o@example.com -ErrorAction Stop } |
            Should -Throw -ErrorId 'ScopeFileExists,SpaceSync.PowerShell.Cmdlets.NewSyncScopeCommand'
        Get-Content -Raw $path | Should -Match 'keep me'
        New-SyncScope -Path $path -CloudUrl https://a.atlassian.net/wiki -DataCenterUrl https://dc.example.com -SpaceKey ENG -Owner o@example.com -Force | Out-Null
        Get-Content -Raw $path | Should -Match 'version: 1'
    }

    It 'writes nothing under -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.yaml'
        New-SyncScope -Path $path -CloudUrl https://a.atlassian.net/wiki -DataCenterUrl https://dc.example.com -SpaceKey ENG -Owner o@example.com -WhatIf
        Test-Path $path | Should -BeFalse
    }
}

Describe 'Test-SyncScope offline' {
    It 'reports a valid file with one Information finding' {
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'valid')
        $findings = @(Test-SyncScope -ScopePath $path)
        $findings | Where-Object Severity -eq 'Error' | Should -BeNullOrEmpty
        $findings | Where-Object Severity -eq 'Information' | Should -Not -BeNullOrEmpty
        $findings[0].GetType().FullName | Should -Be 'SpaceSync.Core.Scope.ScopeFinding'
        Test-SyncScope -ScopePath $path -Quiet | Should -BeTrue
    }

    It 'reports each problem with its position and -Quiet returns $false' {
        $folder = Join-Path $TestDrive 'invalid'
        $path = New-TestScopeFile -Folder $folder -Spaces "  - key: ENG`n    owner: eng@acme.com`n    phase: dual-wrte`n  - key: ENG`n    owner: eng@acme.com`n"
        $errors = @(Test-SyncScope -ScopePath $path | Where-Object Severity -eq 'Error')
        $errors.Count | Should -BeGreaterOrEqual 2
        $phase = $errors | Where-Object { $_.Message -match 'dual-wrte' }
        $phase.Location.Line | Should -Be 17
        $phase.Location.File | Should -Be $path
        $phase.Message | Should -Match 'datacenter-primary'                # says what was expected
        ($errors | Where-Object { $_.Location.Line -eq 18 }) | Should -Not -BeNullOrEmpty   # the duplicate ENG
        Test-SyncScope -ScopePath $path -Quiet | Should -BeFalse
    }

    It 'never repeats a plain-text token' {
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'plain') -CloudToken 'ATATT3xFfGF0-very-secret-token'
        $out = Test-SyncScope -ScopePath $path | Out-String -Width 400
        $out | Should -Not -Match 'very-secret'
        $out | Should -Match 'plain'
    }

    It 'finds no error in the shipped example' {
        $example = Join-Path (Get-RepositoryRoot) 'examples/spacesync.yaml'
        Test-SyncScope -ScopePath $example | Where-Object Severity -eq 'Error' | Should -BeNullOrEmpty
    }

    It 'checks every file piped to it by FullName' {
        $a = New-TestScopeFile -Folder (Join-Path $TestDrive 'pipe/a')
        $b = New-TestScopeFile -Folder (Join-Path $TestDrive 'pipe/b') -Spaces "  - key: OPS`n"   # no owner
        $results = Get-Item $a, $b | Test-SyncScope
        ($results | Where-Object Severity -eq 'Error').Location.File | Should -Be $b
    }
}

Describe 'Get-SyncScope' {
    It 'applies phase presets and lets the space override them' {
        $spaces = @"
  - key: ENG
    owner: eng@acme.com
    phase: datacenter-primary
  - key: OPS
    owner: ops@acme.com
    phase: cloud-primary
    conflicts: manual
  - key: ARC
    owner: arc@acme.com
    phase: frozen
"@
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'presets') -Spaces $spaces
        $scope = Get-SyncScope -ScopePath $path
        $scope.GetType().FullName | Should -Be 'SpaceSync.Core.Scope.ResolvedScope'
        $eng, $ops, $arc = $scope.Spaces
        "$($eng.Direction)/$($eng.Conflicts)" | Should -Be 'ToCloud/PreferDataCenter'
        "$($ops.Direction)/$($ops.Conflicts)" | Should -Be 'ToDataCenter/Manual'
        "$($arc.Direction)" | Should -Be 'None'
        $eng.MaxDeletePercent | Should -Be 10
    }

    It 'finds the scope file through $env:SPACESYNC_SCOPE' {
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'envscope')
        $env:SPACESYNC_SCOPE = $path
        try { (Get-SyncScope).Path | Should -Be $path }
        finally { Remove-Item Env:SPACESYNC_SCOPE }
    }

    It 'ends with ScopeFileInvalid and every position for a bad file' {
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'bad') -Spaces "  - key: ENG`n    ownr: x`n"
        $err = $null
        try { Get-SyncScope -ScopePath $path -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'ScopeFileInvalid,SpaceSync.PowerShell.Cmdlets.GetSyncScopeCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -Match ([regex]::Escape("${path}:16:5"))
    }

    It 'ends with ScopeFileNotFound for a missing file' {
        { Get-SyncScope -ScopePath (Join-Path $TestDrive 'nope.yaml') -ErrorAction Stop } |
            Should -Throw -ErrorId 'ScopeFileNotFound,SpaceSync.PowerShell.Cmdlets.GetSyncScopeCommand'
    }

    It 'reports a space that is not in scope' {
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'filter')
        $scope = Get-SyncScope -ScopePath $path -SpaceKey ENG, NOPE -ErrorVariable problems -ErrorAction SilentlyContinue
        $scope.Spaces.Key | Should -Be @('ENG')
        $problems[0].FullyQualifiedErrorId | Should -Match '^SpaceNotInScope'
    }

    It 'completes -SpaceKey from the scope file' {
        $path = New-TestScopeFile -Folder (Join-Path $TestDrive 'complete') -Spaces "  - key: ENG`n    owner: a@b.c`n  - key: OPS`n    owner: a@b.c`n"
        $line = "Get-SyncScope -ScopePath '$path' -SpaceKey O"
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be @('OPS')
    }
}
