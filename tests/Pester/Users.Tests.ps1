# People without e-mail addresses through the built module (issue 12 item 4), against both emulators run as separate
# processes. Cloud hides Dana's, Finn's and Erin's e-mails (profile visibility) and refuses its e-mail API to an API-token
# caller; Data Center shows e-mails only to administrators. Test-SyncScope -Online says so and points to users.map;
# users.map pairs Finn; mentions, mirrored restrictions and comment attribution then name Finn and only Finn, and Erin,
# whom nothing pairs, by name.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/EmulatorProcess.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force

    # Seeding gives both sites Alice, Bob, Chen and Dana with the same e-mails; Dana's Cloud profile hides hers.
    $script:Dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 4 -Seed 5
    $script:Cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0
    $null = Copy-ConfluenceSpaceLikeCcma -DataCenter $script:Dc -Cloud $script:Cloud -SpaceKey ENG -CloudKey ENG2
    Clear-SeededRestrictions -DataCenter $script:Dc
    $env:SPACESYNC_TEST_CLOUD_TOKEN = (Get-TestToken cloud)
    $env:SPACESYNC_TEST_DC_TOKEN = (Get-TestToken datacenter)

    function script:Add-EmulatorUser($Emulator, [hashtable] $User) {
        Invoke-RestMethod -Method Post -Uri "$(([uri]$Emulator.Url).GetLeftPart([UriPartial]::Authority))/__emulator/users" -ContentType 'application/json' -Body ($User | ConvertTo-Json)
    }
    # Finn and Erin hide their e-mail on Cloud; each can sign in on both sites (to write comments).
    $script:FinnDc = Add-EmulatorUser $script:Dc @{ displayName = 'Finn Fox'; email = 'finn@example.com'; username = 'finn'; personalAccessToken = 'finn-pat' }
    $script:FinnCloud = Add-EmulatorUser $script:Cloud @{ displayName = 'Finn Fox'; email = 'finn@example.com'; apiToken = 'finn-token'; emailHidden = $true }
    $script:ErinDc = Add-EmulatorUser $script:Dc @{ displayName = 'Erin Eck'; email = 'erin@example.com'; username = 'erin'; personalAccessToken = 'erin-pat' }
    $script:ErinCloud = Add-EmulatorUser $script:Cloud @{ displayName = 'Erin Eck'; email = 'erin@example.com'; emailHidden = $true }
    $script:AliceDc = Invoke-EmulatorApi $script:Dc '/rest/api/user?username=alice'
    $script:AliceCloud = (Invoke-EmulatorApi $script:Cloud "/rest/api/search/user?cql=$([uri]::EscapeDataString('type=user and user.fullname ~ "Alice"'))").results[0].user
    $script:CloudAdmin = Invoke-EmulatorApi $script:Cloud '/rest/api/user/current'
    $script:DcAdmin = Invoke-EmulatorApi $script:Dc '/rest/api/user/current'

    # Two scope files: without users.map, and with a users.map that pairs Finn only (the one the runs use).
    $space = "  - key: ENG`n    cloudKey: ENG2`n    owner: eng@example.com`n    phase: dual-write`n    restrictedPages: mirror`n" +
             "    content:`n      comments: true`nstate:`n  path: state/spacesync.db`n"
    $script:Unmapped = New-TestScopeFile -Folder (Join-Path $TestDrive 'unmapped') -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces $space
    $folder = Join-Path $TestDrive 'mapped'
    $script:Scope = New-TestScopeFile -Folder $folder -CloudUrl $script:Cloud.Url -DataCenterUrl $script:Dc.Url -Spaces ($space + "users:`n  map: users.csv`n")
    "dataCenterUserKey,cloudAccountId,name`n$($script:FinnDc.userKey),$($script:FinnCloud.accountId),Finn Fox`n" |
        Set-Content -Path (Join-Path $folder 'users.csv') -NoNewline
    $script:MapLine = (Select-String -Path $script:Scope -Pattern '^\s+map: users.csv').LineNumber

    $script:DcSpace = Invoke-EmulatorApi $script:Dc '/rest/api/space/ENG?expand=homepage'
    $script:CloudSpace = (Invoke-EmulatorApi $script:Cloud '/api/v2/spaces?keys=ENG2').results[0]

    function script:Mention-Dc($User) { "<ac:link><ri:user ri:userkey=`"$($User.userKey)`" /></ac:link>" }
    function script:Mention-Cloud($User) { "<ac:link><ri:user ri:account-id=`"$($User.accountId)`" /></ac:link>" }
    function script:Restriction([string] $Operation, [object[]] $Users) {
        @{ operation = $Operation; restrictions = @{ user = @($Users | ForEach-Object { @{ type = 'known'; userKey = $_.userKey } }); group = @() } }
    }
    function script:New-DcPage([string] $Title, [string] $Body) {
        Invoke-EmulatorApi $script:Dc '/rest/api/content' -Method Post -Body @{
            type = 'page'; title = $Title; space = @{ key = 'ENG' }; ancestors = @(@{ id = $script:DcSpace.homepage.id })
            body = @{ storage = @{ value = $Body; representation = 'storage' } } }
    }
    function script:Find-CloudPage([string] $Title) {
        (Invoke-EmulatorApi $script:Cloud "/api/v2/pages?space-id=$($script:CloudSpace.id)&title=$([uri]::EscapeDataString($Title))&body-format=storage").results
    }
    function script:Get-Writes { (Get-ConfluenceEmulatorWriteCount $script:Dc) + (Get-ConfluenceEmulatorWriteCount $script:Cloud) }

    $null = Start-SpaceBaseline -ScopePath $script:Scope -SpaceKey ENG -WarningAction SilentlyContinue
    $null = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -WarningAction SilentlyContinue # the first run lists in full
}

AfterAll {
    $script:Dc, $script:Cloud | Where-Object { $_ } | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_TEST_CLOUD_TOKEN, Env:SPACESYNC_TEST_DC_TOKEN -ErrorAction SilentlyContinue
}

Describe 'Test-SyncScope -Online and users without e-mail addresses' {
    It 'warns how many Cloud users came without an e-mail and that users.map pairs them, without failing the check' {
        $findings = Test-SyncScope -ScopePath $script:Unmapped -Online
        $findings | Where-Object Severity -eq 'Error' | Should -BeNullOrEmpty
        $cloud = $findings | Where-Object { $_.Check -eq 'Users' -and "$($_.Site)" -eq 'Cloud' }
        "$($cloud.Severity)" | Should -Be 'Warning'
        $cloud.Code | Should -Be 'UserEmailsMissing'
        $cloud.Message | Should -Match '^3 of \d+ Cloud users came without an e-mail address'
        $cloud.Message | Should -Match ([regex]::Escape("a CSV named by the scope key users.map (under 'users:' in $script:Unmapped"))
        foreach ($name in 'Dana D', 'Finn Fox', 'Erin Eck') { $cloud.Message | Should -Match $name }
        $cloud.Message | Should -Match 'approved apps'
        $findings | Where-Object { $_.Check -eq 'Users' -and "$($_.Site)" -eq 'DataCenter' } | Should -BeNullOrEmpty # the admin sees every e-mail
        Test-SyncScope -ScopePath $script:Unmapped -Online -Quiet | Should -BeTrue

        $mapped = Test-SyncScope -ScopePath $script:Scope -Online | Where-Object { $_.Check -eq 'Users' -and "$($_.Site)" -eq 'Cloud' }
        $mapped.Message | Should -Match '1 of them are paired there; 2 are not'
        $mapped.Location.Line | Should -Be $script:MapLine
    }

    It 'warns that Data Center shows e-mails only to administrators when the sync account is not one' {
        $null = Add-EmulatorUser $script:Dc @{ displayName = 'Sync Bot'; email = 'sync-bot@example.com'; username = 'sync-bot'; personalAccessToken = 'bot-pat' }
        $bot = [pscredential]::new('sync-bot', (ConvertTo-SecureString 'bot-pat' -AsPlainText -Force))
        $findings = Test-SyncScope -ScopePath $script:Scope -Online -DataCenterCredential $bot
        $findings | Where-Object Severity -eq 'Error' | Should -BeNullOrEmpty
        $dc = $findings | Where-Object { $_.Check -eq 'Users' -and "$($_.Site)" -eq 'DataCenter' }
        "$($dc.Severity)" | Should -Be 'Warning'
        $dc.Message | Should -Match '^\d+ of \d+ Data Center users came without an e-mail address'
        $dc.Message | Should -Match 'only visible to site administrators'
        $dc.Message | Should -Match 'Alice Anders'
        ($findings | Out-String -Width 500) | Should -Not -Match 'bot-pat'
    }
}

Describe 'A sync where users.map alone pairs Finn' {
    It 'mentions Finn and Alice on Cloud, writes Erin as her name, and mirrors a restriction on Finn; one on Erin keeps its page off Cloud' {
        $review = New-DcPage 'Review' "<p>Ask $(Mention-Dc $script:FinnDc), $(Mention-Dc $script:AliceDc) or $(Mention-Dc $script:ErinDc).</p>"
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($review.id)/restriction" -Method Put -Body @(
            (Restriction 'read' @($script:FinnDc, $script:DcAdmin)), (Restriction 'update' @($script:FinnDc, $script:DcAdmin)))
        $erinOnly = New-DcPage 'For Erin' '<p>Only Erin.</p>'
        $null = Invoke-EmulatorApi $script:Dc "/rest/api/content/$($erinOnly.id)/restriction" -Method Put -Body (, @(
            (Restriction 'read' @($script:ErinDc, $script:DcAdmin))))

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -WarningVariable warned
        $result.Errors | Should -BeNullOrEmpty
        ($warned -join "`n") | Should -Match 'UserNotMapped'

        $cloudReview = Find-CloudPage 'Review'
        $cloudReview | Should -HaveCount 1
        $body = $cloudReview.body.storage.value
        $ids = [regex]::Matches($body, 'ri:account-id="([^"]+)"') | ForEach-Object { $_.Groups[1].Value }
        $ids | Should -Be @($script:FinnCloud.accountId, $script:AliceCloud.accountId)
        $body | Should -Match 'Erin Eck'
        $body | Should -Not -Match 'ri:userkey'
        $read = (Invoke-EmulatorApi $script:Cloud "/rest/api/content/$($cloudReview.id)/restriction/byOperation/read").restrictions.user.results.accountId
        @($read | Sort-Object) | Should -Be @(@($script:FinnCloud.accountId, $script:CloudAdmin.accountId) | Sort-Object)

        Find-CloudPage 'For Erin' | Should -BeNullOrEmpty
        $drift = Get-SyncDrift -ScopePath $script:Scope -WarningAction SilentlyContinue | Where-Object DataCenterId -eq $erinOnly.id
        "$($drift.Status)" | Should -Be 'Restricted'
        $drift.Warnings[0] | Should -Match "user key $($script:ErinDc.userKey)"
        $drift.Warnings[0] | Should -Match 'users\.map'

        Reset-ConfluenceEmulatorStats $script:Dc, $script:Cloud
        $again = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -Full -WarningAction SilentlyContinue
        $again.Errors | Should -BeNullOrEmpty
        Get-Writes | Should -Be 0
    }

    It 'credits copied comments to Finn by a mention and to Erin by name' {
        $dcHome = $script:DcSpace.homepage.id
        $cloudHome = $script:CloudSpace.homepageId
        foreach ($author in @(@{ Pat = 'finn-pat'; Text = 'Finn agrees.' }, @{ Pat = 'erin-pat'; Text = 'Erin disagrees.' })) {
            $null = Invoke-RestMethod -Method Post -Uri "$($script:Dc.Url)/rest/api/content" -Headers @{ Authorization = "Bearer $($author.Pat)" } `
                -ContentType 'application/json' -Body (@{ type = 'comment'; container = @{ id = $dcHome; type = 'page' }
                    body = @{ storage = @{ value = "<p>$($author.Text)</p>"; representation = 'storage' } } } | ConvertTo-Json -Depth 5)
        }
        $finnBasic = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes('finn@example.com:finn-token'))
        $null = Invoke-RestMethod -Method Post -Uri "$($script:Cloud.Url)/api/v2/footer-comments" -Headers @{ Authorization = $finnBasic } `
            -ContentType 'application/json' -Body (@{ pageId = "$cloudHome"; body = @{ representation = 'storage'; value = '<p>Finn, on Cloud.</p>' } } | ConvertTo-Json)

        $result = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -WarningAction SilentlyContinue
        $result.Errors | Should -BeNullOrEmpty

        $onCloud = (Invoke-EmulatorApi $script:Cloud "/api/v2/pages/$cloudHome/footer-comments?body-format=storage&limit=100").results.body.storage.value
        $onCloud | Where-Object { $_ -match 'Finn agrees' } | Should -Match ("^<p>" + [regex]::Escape((Mention-Cloud $script:FinnCloud)) + ' wrote on \d{4}-\d\d-\d\d \(Data Center\):</p>')
        $onCloud | Where-Object { $_ -match 'Erin disagrees' } | Should -Match '^<p><strong>Erin Eck</strong> wrote on '
        $onDc = (Invoke-EmulatorApi $script:Dc "/rest/api/content/$dcHome/child/comment?expand=body.storage&depth=all&limit=100").results.body.storage.value
        $onDc | Where-Object { $_ -match 'Finn, on Cloud' } | Should -Match ("^<p>" + [regex]::Escape((Mention-Dc $script:FinnDc)) + ' wrote on \d{4}-\d\d-\d\d \(Cloud\):</p>')

        Reset-ConfluenceEmulatorStats $script:Dc, $script:Cloud
        $again = Invoke-SpaceSync -ScopePath $script:Scope -Confirm:$false -Full -WarningAction SilentlyContinue
        $again.Errors | Should -BeNullOrEmpty
        Get-Writes | Should -Be 0
    }
}
