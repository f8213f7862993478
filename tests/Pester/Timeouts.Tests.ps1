# Stuck sites through the built module (issue 13 item 4), over HTTP, against both emulators run as separate processes:
# a site that accepts every request and never answers (or sends headers and then stalls its body) ends the run within
# the scope file's per-site timeouts, with an error naming the site, its URL, the request, the attempts and the keys
# that set the limits; once the site answers again, the next run carries the change.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 4 -Seed 13
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    Clear-SeededRestrictions $script:Dc   # restricted pages are Restrictions.Tests.ps1's subject
    $script:Map = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    $spaces = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n" +
        "state:`n  path: state/spacesync.db`n"
    $script:Folder = Join-Path $TestDrive 'timeouts'
    $script:Scope = New-TestScopeFile -Folder $script:Folder -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $spaces
    # Small limits for both sites, as an operator would write them: 2 s of silence per attempt, 5 s per request.
    $text = Get-Content -Raw $script:Scope
    foreach ($url in $script:Cloud.Url, $script:Dc.Url) {
        $text = $text.Replace("    url: $url`n", "    url: $url`n    requestTimeoutSeconds: 2`n    requestBudgetSeconds: 5`n")
    }
    Set-Content -Path $script:Scope -Value $text -NoNewline
    (Get-Content -Raw $script:Scope) | Should -Match '(?s)requestTimeoutSeconds: 2.*requestTimeoutSeconds: 2'

    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG
    $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false   # the first, structural run: marks set
    $script:PageIds = @($script:Map.Keys | Sort-Object { [long]$_ })

    function script:Edit-DcPage([string] $Id, [string] $Text) {
        $page = Invoke-EmulatorApi $script:Dc "/rest/api/content/${Id}?expand=body.storage,version"
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$Id" -Method Put -Body @{
            id = $Id; type = 'page'; title = $page.title; space = @{ key = 'ENG' }
            body = @{ storage = @{ value = $page.body.storage.value + "<p>$Text</p>"; representation = 'storage' } }
            version = @{ number = $page.version.number + 1 } }
    }
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'A sync against a site that accepts requests and never answers' {
    AfterEach {
        Set-ConfluenceEmulatorFault $script:Cloud | Out-Null   # every knob off again
        Set-ConfluenceEmulatorFault $script:Dc | Out-Null
    }

    It 'ends within the scope''s limits with an error naming the site, the request and the attempts' {
        Edit-DcPage $script:PageIds[1] 'Edited while Cloud is stuck.'
        Set-ConfluenceEmulatorFault $script:Cloud -HoldMethod '*' -HoldPathPrefix '/' -HoldMode silent | Out-Null
        Reset-ConfluenceEmulatorStats $script:Cloud
        $watch = [Diagnostics.Stopwatch]::StartNew()

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        # Generous: 5 s per request, and the run gives up on the first stuck one (the default would be 100 s).
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 60
        $result | Should -BeNullOrEmpty -Because 'the run could not read Cloud'
        $failure = @($failures) | Select-Object -First 1
        $failure.FullyQualifiedErrorId | Should -BeLike 'SpaceSync.SiteUnreachable,*'
        $message = $failure.ErrorDetails.Message
        $message | Should -Match 'GET /wiki/\S+: the Cloud site at http://127\.0\.0\.1:\d+/wiki could not be reached after \d attempts? in [\d.]+ s'
        $message | Should -Match 'sites\.cloud\.requestTimeoutSeconds'
        $message | Should -Match 'sites\.cloud\.requestBudgetSeconds'
        $message | Should -Match 'each attempt waits 2 s for a sign of life'
        $message | Should -Not -Match 'emulator-token'
        $held = (Get-ConfluenceEmulatorStats $script:Cloud).held
        $held | Should -BeGreaterThan 1 -Because 'the stuck request was tried again within its budget'
        $held | Should -BeLessOrEqual 4 -Because 'at most four attempts: the budget and the attempts bound it'
    }

    It 'treats a Data Center answer whose body stalls after its headers the same way, then carries the edit once it answers' {
        $id = $script:PageIds[2]
        Edit-DcPage $id 'Edited while Data Center stalls.'
        Set-ConfluenceEmulatorFault $script:Dc -HoldMethod GET -HoldPathPrefix '/confluence/rest/' -HoldMode stallBody | Out-Null

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        $message = (@($failures) | Select-Object -First 1).ErrorDetails.Message
        $message | Should -Match 'GET /confluence/rest/\S+: the DataCenter site at http://127\.0\.0\.1:\d+/confluence could not be reached after \d attempts?'
        $message | Should -Match 'no sign of life from the site for 2 s|budget of 5 s'
        $message | Should -Match 'sites\.datacenter\.requestTimeoutSeconds'

        Set-ConfluenceEmulatorFault $script:Dc | Out-Null
        $again = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false
        $again.Errors | Should -BeNullOrEmpty
        $cloudId = $script:Map[$id]
        (Invoke-EmulatorApi $script:Cloud "/api/v2/pages/${cloudId}?body-format=storage").body.storage.value |
            Should -Match 'Edited while Data Center stalls\.'
    }
}
