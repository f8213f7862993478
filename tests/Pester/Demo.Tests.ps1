# The README's demo command must keep working: run examples/Demo.ps1 as a newcomer would (fresh pwsh).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'examples/Demo.ps1' {
    It 'runs to the end against two emulators and shows every step' {
        $root = Get-RepositoryRoot
        Push-Location $root
        try {
            $output = & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'examples/Demo.ps1') -ModuleManifest (Get-TestModuleManifest) 2>&1
            $code = $LASTEXITCODE
        }
        finally { Pop-Location }
        # Colours (Write-Host -ForegroundColor) reach a redirected stream as ANSI codes: strip them before reading.
        $text = (($output | ForEach-Object { "$_" }) -join "`n") -replace "`e\[[0-9;]*m", ''
        $code | Should -Be 0 -Because $text
        $text | Should -Match 'Signed in to Cloud as'
        $text | Should -Match 'Signed in to Data Center as'
        $text | Should -Match 'answered 401'
        $text | Should -Match 'Did you mean'          # the table may wrap the suggestion itself
        $text | Should -Match 'Test-SyncScope -Online -Quiet → True'
        $text | Should -Match 'users\.csv pairs Dana'
        $text | Should -Match '1 by users\.map; 0 Data Center and 0 Cloud'
        $text | Should -Not -Match 'stay unpaired unless'   # a warning only while someone is left unpaired
        $text | Should -Not -Match 'emulator-pat|not-the-token|hunter2'
        $text | Should -Match 'PairsRecorded\s*:\s*200'
        $text | Should -Match 'create on Data Center'
        $text | Should -Match 'CloudFolder\s+Team Notes'
        $text | Should -Match 'Archived\s+Architecture Plan 50'
        $text | Should -Match 'RateLimitWait\s*:\s*[0-9.]+ s \(Data Center 0 s, Cloud [0-9.]+ s\)'
        $text | Should -Match 'waiting 5 s for both sites'' index to catch up'
        $text | Should -Match "'Cloud Migration FAQ' on Data Center: present; 'On-call Handbook' on Cloud: On-call Handbook"
        $text | Should -Match "'network-diagram\.png' on Cloud: 49,152 bytes, SHA-256 [0-9a-f]{12}… as attached"
        $text | Should -Match "'capacity-plan\.xlsx' on Data Center: 98,304 bytes, SHA-256 [0-9a-f]{12}… as attached"
        $text | Should -Match 'Report written to .*report\.html'
        $text | Should -Match 'Outcome\s*:\s*Resolved'
        $text | Should -Match 'carries the kept copy across: 1 create\(s\); open conflicts now: 0'
        $text | Should -Match 'Done\.'
    }
}
