# Error records of the common failures (issue 15 item 7), through the built module: a stable ErrorId of the module
# (SpaceSync.<Code>), a category that says what kind of failure it is, the thing it is about as target, and the
# engine's own message without PowerShell's wrapper text.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
}

Describe 'A secret the scope names that is not there' {
    BeforeAll {
        # A variable no other test sets; the sites are never reached, since the secret is read first.
        $script:Missing = 'SPACESYNC_ERRORS_TEST_MISSING_TOKEN'
        Remove-Item "Env:$script:Missing" -ErrorAction SilentlyContinue
        $script:Scope = New-TestScopeFile -Folder (Join-Path $TestDrive 'missing') `
            -DataCenterAuth "type: bearer`n      token: env:$script:Missing" `
            -Spaces "  - key: ENG`n    owner: eng@example.com`nstate:`n  path: state/spacesync.db`n"
    }

    It '<Command> fails with SpaceSync.SecretNotFound, AuthenticationError, the reference as target' -ForEach @(
        @{ Command = 'Invoke-SpaceSync' }
        @{ Command = 'Start-SpaceBaseline' }
    ) {
        $caught = $null
        try { & $Command -ScopePath $script:Scope -ErrorAction Stop | Out-Null }
        catch { $caught = $_ }

        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike "SpaceSync.SecretNotFound,*"
        $caught.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $caught.TargetObject | Should -Be "env:$script:Missing"
        "$caught" | Should -Match $script:Missing
        "$caught" -match 'preference variable' | Should -BeFalse
        $caught.Exception.Message -match 'preference variable' | Should -BeFalse
    }
}
