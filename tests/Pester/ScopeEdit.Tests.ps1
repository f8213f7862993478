# Set-SyncedSpace and Add-SyncedSpace through the built module: scope file edits that keep every other byte, -WhatIf
# showing the unified diff and writing nothing, pipeline input, values checked against the scope file's words.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    # A scope file as an admin keeps it: comments, blank lines, a quoted value, a trailing comment, CRLF nowhere.
    $script:Head = @"
# Acme scope: edited by hand and by cmdlets
version: 1
sites:
  cloud:
    url: https://acme.atlassian.net/wiki
    auth: { type: basic, user: bot@acme.com, token: env:SPACESYNC_TEST_CLOUD_TOKEN }
  datacenter:
    url: https://wiki.acme.internal/confluence
    auth:
      type: bearer
      token: env:SPACESYNC_TEST_DC_TOKEN
spaces:
  # Engineering, renamed by CCMA
  - key: ENG
    cloudKey: ENG2       # keep
    owner: "eng@acme.com"
    phase: 'datacenter-primary'   # until the pilot ends

"@ -replace "`r`n", "`n"
    $script:Hr = "  - key: HR`n    owner: hr@acme.com`n"
    $script:Tail = "`n# state next to the file`nstate:`n  path: spacesync.db`n"

    function script:New-Scope([string] $Name, [string] $Text = ($script:Head + $script:Hr + $script:Tail)) {
        $folder = Join-Path $TestDrive $Name
        New-Item -ItemType Directory -Path $folder | Out-Null
        $path = Join-Path $folder 'spacesync.yaml'
        [IO.File]::WriteAllText($path, $Text)
        return $path
    }

    # ShouldProcess writes "What if:" text to the host only: a transcript is the way to read it back.
    function script:Get-HostText([scriptblock] $Command) {
        $transcript = Join-Path $TestDrive ("host-" + [guid]::NewGuid().ToString('N') + '.txt')
        $null = Start-Transcript -Path $transcript
        try { & $Command } finally { $null = Stop-Transcript }
        return Get-Content $transcript -Raw
    }
}

Describe 'Set-SyncedSpace' {
    It 'rewrites the phase in place, keeping its quotes, its comment and every other byte' {
        $path = New-Scope 'set-phase'
        Set-SyncedSpace -ScopePath $path -SpaceKey ENG -Phase dual-write -Confirm:$false
        [IO.File]::ReadAllText($path) | Should -BeExactly ($script:Head.Replace("'datacenter-primary'", "'dual-write'") + $script:Hr + $script:Tail)
        "$((Get-SyncedSpace -ScopePath $path -SpaceKey ENG -Offline).Phase)" | Should -BeExactly 'dual-write'
        # Filtered as it is read and as -Phase takes it (before: an enum, which 'dual-write' silently never equalled).
        (Get-SyncedSpace -ScopePath $path -Offline | Where-Object Phase -eq 'dual-write').SpaceKey | Should -Be 'ENG'
        "$((Get-SyncScope -ScopePath $path).Spaces[0].Sources['direction'])" | Should -Be 'phase:dual-write'
    }

    It 'adds missing keys as lines of the entry, takes the values in any case and writes the scope file spelling' {
        $path = New-Scope 'set-add-lines'
        $out = Set-SyncedSpace -ScopePath $path -SpaceKey hr -Phase FROZEN -Conflicts Prefer-Cloud -PassThru -Confirm:$false
        [IO.File]::ReadAllText($path) | Should -BeExactly ($script:Head + $script:Hr + "    phase: frozen`n    conflicts: prefer-cloud`n" + $script:Tail)
        $out.SpaceKey | Should -Be 'HR'
        "$($out.Phase)" | Should -BeExactly 'frozen'
        "$($out.Conflicts)" | Should -Be 'PreferCloud'
        $out.ScopePath | Should -Be $path
    }

    It 'under -WhatIf shows the unified diff and writes nothing' {
        $path = New-Scope 'set-whatif'
        $before = [IO.File]::ReadAllBytes($path)
        $said = Get-HostText { Set-SyncedSpace -ScopePath $path -SpaceKey ENG -Phase cloud-primary -WhatIf }
        [IO.File]::ReadAllBytes($path) | Should -Be $before
        @(Get-ChildItem -Force (Split-Path $path)).Count | Should -Be 1 -Because 'no edited copy is left beside the file'
        $said | Should -Match ([regex]::Escape("What if: Set phase: cloud-primary on space ENG in $path"))
        $said | Should -Match ([regex]::Escape("--- $path"))
        $said | Should -Match '@@ -14,7 \+14,7 @@'
        $said | Should -Match ([regex]::Escape("-    phase: 'datacenter-primary'   # until the pilot ends"))
        $said | Should -Match ([regex]::Escape("+    phase: 'cloud-primary'   # until the pilot ends"))
        $said | Should -Match "(?m)^-    phase: .*\r?\n\+    phase: " -Because 'the removed line comes before the line that replaces it'

    }

    It 'takes the spaces and the scope file from Get-SyncedSpace through the pipeline' {
        $path = New-Scope 'set-pipeline'
        Push-Location $TestDrive
        try { Get-SyncedSpace -ScopePath $path -Offline | Set-SyncedSpace -Phase frozen -Confirm:$false }
        finally { Pop-Location }
        (Get-SyncedSpace -ScopePath $path -Offline | ForEach-Object { "$($_.SpaceKey)=$($_.Phase)" }) | Should -BeExactly @('ENG=frozen', 'HR=frozen')
    }

    It 'refuses a value the scope file does not know, before reading anything, listing the allowed ones' {
        $path = New-Scope 'set-invalid'
        $before = [IO.File]::ReadAllBytes($path)
        { Set-SyncedSpace -ScopePath $path -SpaceKey ENG -Phase sideways -Confirm:$false } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,SpaceSync.PowerShell.Cmdlets.SetSyncedSpaceCommand' -ExpectedMessage '*datacenter-primary, dual-write, cloud-primary, frozen*'
        { Set-SyncedSpace -ScopePath $path -SpaceKey ENG -Direction sideways } | Should -Throw -ExpectedMessage '*both, to-cloud, to-datacenter, none*'
        { Set-SyncedSpace -ScopePath $path -SpaceKey ENG } | Should -Throw -ErrorId 'SpaceSync.NoSettingGiven,*'
        [IO.File]::ReadAllBytes($path) | Should -Be $before
    }

    It 'completes the values from the scope file vocabulary' {
        $line = 'Set-SyncedSpace -SpaceKey ENG -Conflicts prefer-'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('prefer-cloud', 'prefer-datacenter')
        $line = 'Set-SyncedSpace -SpaceKey ENG -Phase '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('datacenter-primary', 'dual-write', 'cloud-primary', 'frozen')
    }

    It 'says which space the file does not hold, naming the file, and writes nothing' {
        $path = New-Scope 'set-missing'
        $before = [IO.File]::ReadAllBytes($path)
        Set-SyncedSpace -ScopePath $path -SpaceKey OPS -Phase frozen -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -Be 'SpaceSync.ScopeSpaceNotInFile,SpaceSync.PowerShell.Cmdlets.SetSyncedSpaceCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].ErrorDetails.Message | Should -Match ([regex]::Escape($path))
        [IO.File]::ReadAllBytes($path) | Should -Be $before
    }

    It 'refuses to rewrite a space written as a flow mapping, and writes nothing' {
        $path = New-Scope 'set-flow' ($script:Head + "  - { key: OPS, owner: ops@acme.com }`n" + $script:Tail)
        $before = [IO.File]::ReadAllBytes($path)
        Set-SyncedSpace -ScopePath $path -SpaceKey OPS -Phase frozen -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'SpaceSync.ScopeEditUnsupported,*'
        [IO.File]::ReadAllBytes($path) | Should -Be $before
    }
}

Describe 'Add-SyncedSpace' {
    It 'adds an entry after the last one in the file indentation, keeping every other byte' {
        $path = New-Scope 'add'
        $out = Add-SyncedSpace -ScopePath $path -SpaceKey OPS -CloudKey OPS2 -Owner ops@acme.com -Phase dual-write -PassThru -Confirm:$false
        [IO.File]::ReadAllText($path) | Should -BeExactly ($script:Head + $script:Hr + "  - key: OPS`n    cloudKey: OPS2`n    owner: ops@acme.com`n    phase: dual-write`n" + $script:Tail)
        $out.SpaceKey | Should -Be 'OPS'
        $out.CloudKey | Should -Be 'OPS2'
        $out.BaselineAt | Should -BeNullOrEmpty
        (Test-SyncScope -ScopePath $path | Where-Object Severity -eq 'Error') | Should -BeNullOrEmpty
    }

    It 'under -WhatIf shows the unified diff and writes nothing' {
        $path = New-Scope 'add-whatif'
        $before = [IO.File]::ReadAllBytes($path)
        $said = Get-HostText { Add-SyncedSpace -ScopePath $path -SpaceKey OPS -Owner ops@acme.com -WhatIf }
        [IO.File]::ReadAllBytes($path) | Should -Be $before
        $said | Should -Match ([regex]::Escape("+  - key: OPS"))
        $said | Should -Match ([regex]::Escape("+    owner: ops@acme.com"))
    }

    It 'refuses a key the file already holds, as a key or a Cloud key, naming the file' {
        $path = New-Scope 'add-dup'
        $before = [IO.File]::ReadAllBytes($path)
        Add-SyncedSpace -ScopePath $path -SpaceKey ENG2 -Owner x@acme.com -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -Be 'SpaceSync.ScopeSpaceAlreadyInFile,SpaceSync.PowerShell.Cmdlets.AddSyncedSpaceCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $problems[0].ErrorDetails.Message | Should -Match ([regex]::Escape($path))
        $problems[0].ErrorDetails.Message | Should -Match 'ENG'
        [IO.File]::ReadAllBytes($path) | Should -Be $before
    }

    It 'refuses a space key Confluence would not accept, and writes nothing' {
        $path = New-Scope 'add-badkey'
        $before = [IO.File]::ReadAllBytes($path)
        Add-SyncedSpace -ScopePath $path -SpaceKey ops -Owner x@acme.com -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'SpaceSync.ScopeInvalidSpaceKey,*'
        $problems[0].Exception.Message | Should -Match "did you mean 'OPS'"
        [IO.File]::ReadAllBytes($path) | Should -Be $before
    }

    It 'does not write a value the scope file cannot hold, and says where' {
        $path = New-Scope 'add-toolong'
        $before = [IO.File]::ReadAllBytes($path)
        Add-SyncedSpace -ScopePath $path -SpaceKey OPS -Owner ('o' * 9000) -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'SpaceSync.ScopeValueTooLong,*'
        [IO.File]::ReadAllBytes($path) | Should -Be $before
    }

    It 'does not replace the file when the edited copy fails the offline check, and says why' {
        # A file just under the size a scope file may have: the new entry would take it over, which only the check of
        # the written copy (as Test-SyncScope reads it) finds.
        $text = $script:Head + $script:Hr + $script:Tail
        $room = 1MB - [Text.Encoding]::UTF8.GetByteCount($text) - 20
        # Two bytes a character (é): the text stays well under the parser's character limit, the bytes reach the file's.
        $padding = (1..[math]::Floor($room / 1000) | ForEach-Object { '#' + ([string][char]0xE9 * 499) + "`n" }) -join ''
        $padding += '#' + ('x' * ($room % 1000)) + "`n"
        $path = New-Scope 'add-toolarge' ($text + $padding)
        (Test-SyncScope -ScopePath $path | Where-Object Severity -eq 'Error') | Should -BeNullOrEmpty -Because 'the file is valid as it is'
        $before = (Get-FileHash $path).Hash # a megabyte piped into Should byte by byte takes minutes
        Add-SyncedSpace -ScopePath $path -SpaceKey OPS -Owner ops@acme.com -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -Be 'SpaceSync.ScopeEditInvalid,SpaceSync.PowerShell.Cmdlets.AddSyncedSpaceCommand'
        $problems[0].Exception.Message | Should -Match 'would not validate, so it was not changed'
        $problems[0].Exception.Message | Should -Match 'ScopeFileTooLarge'
        (Get-FileHash $path).Hash | Should -Be $before
        @(Get-ChildItem -Force (Split-Path $path)).Count | Should -Be 1 -Because 'the edited copy is removed'
    }
}
