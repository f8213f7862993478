#Requires -Version 7.2
<#
.SYNOPSIS
    The SpaceSync demo: two Confluence emulators, a scope file, and the online check.
.DESCRIPTION
    Run through `dotnet pwsh ./build.ps1 -Task Demo`, which builds the module first.
    Starts a Data Center emulator (under /confluence, space ENG seeded) and a Cloud emulator (the
    space as CCMA left it, renamed ENG2 because ENG was taken), writes examples/demo/spacesync.yaml,
    validates it offline and online, shows what a wrong token looks like, and stops the emulators.
#>
param([Parameter(Mandatory)] [string] $ModuleManifest)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $root 'tools/EmulatorProcess.psm1') -Force

function Write-Step([string] $text) {
    Write-Host ''
    Write-Host "── $text " -ForegroundColor Cyan -NoNewline
    Write-Host ('─' * [Math]::Max(0, 70 - $text.Length)) -ForegroundColor DarkCyan
}

$emulators = @()
try {
    Write-Step 'Starting two Confluence emulators on loopback'
    # Both behave as real Confluence does where it is inconvenient: search trails writes by seconds, Cloud rewrites what
    # it stores, serves files from another origin, hides e-mails (docs/confluence-behaviours.md).
    $indexLag = 5
    $dc = Start-ConfluenceEmulator -Flavor datacenter -ContextPath /confluence -SeedSpace ENG -SeedPages 199 -Seed 7 -IndexLagSeconds $indexLag
    $emulators += $dc
    $cloud = Start-ConfluenceEmulator -Flavor cloud -SeedSpace ENG2 -SeedPages 0 -IndexLagSeconds $indexLag
    $emulators += $cloud
    Write-Host "Data Center  $($dc.Url)   space ENG, 200 pages"

    Write-Step 'Migrating ENG to Cloud as CCMA would (new ids, key ENG2)'
    $map = Copy-ConfluenceSpaceLikeCcma -DataCenter $dc -Cloud $cloud -SpaceKey ENG -CloudKey ENG2
    Write-Host "Cloud        $($cloud.Url)   space ENG2, $($map.Count) pages copied through the REST API"

    Write-Step 'Writing the scope file'
    $folder = Join-Path $PSScriptRoot 'demo'
    # Every demo starts from scratch: the emulators are new, so the state of an earlier demo means nothing.
    if (Test-Path $folder) { Remove-Item -Recurse -Force $folder }
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
    $scopePath = Join-Path $folder 'spacesync.yaml'
    @"
# Written by examples/Demo.ps1 for the local emulators.
version: 1
sites:
  cloud:
    url: $($cloud.Url)
    auth:
      type: basic
      user: admin@example.com
      token: env:SPACESYNC_CLOUD_TOKEN
  datacenter:
    url: $($dc.Url)
    auth:
      type: bearer
      token: env:SPACESYNC_DC_TOKEN
defaults:
  conflicts: manual
  maxDeletePercent: 10
spaces:
  - key: ENG
    cloudKey: ENG2
    owner: eng-docs@example.com
    phase: dual-write
state:
  path: spacesync.db
logging:
  path: logs/spacesync-.json
"@ | Set-Content -Path $scopePath
    Write-Host $scopePath
    $env:SPACESYNC_SCOPE = $scopePath
    $env:SPACESYNC_CLOUD_TOKEN = 'emulator-token'
    $env:SPACESYNC_DC_TOKEN = 'emulator-pat'

    Write-Step 'Get-SyncScope: the scope as it will be used'
    (Get-SyncScope).Spaces | Format-Table -Wrap | Out-String -Width 160 | Out-Host

    Write-Step 'Test-SyncScope -Online: both sites, credentials, spaces, write permission'
    Test-SyncScope -Online | Format-Table -Wrap | Out-String -Width 160 | Out-Host

    Write-Step 'Cloud hides an e-mail: pair that person in users.map'
    # Real Cloud hides e-mails by profile setting and refuses its e-mail API to API tokens; Dana cannot pair by e-mail.
    $danaDc = @((Invoke-EmulatorApi $dc '/rest/api/user/list?limit=200').results) | Where-Object displayName -like 'Dana*' | Select-Object -First 1
    $danaCloud = @((Invoke-EmulatorApi $cloud '/rest/api/search/user?cql=type%20%3D%20user%20and%20user.fullname%20~%20%22Dana%22').results) |
        Select-Object -First 1
    "dataCenterUserKey,cloudAccountId`n$($danaDc.userKey),$($danaCloud.user.accountId)" | Set-Content -Path (Join-Path $folder 'users.csv')
    "users:`n  match: email`n  map: users.csv" | Add-Content -Path $scopePath
    Write-Host "users.csv pairs $($danaDc.displayName) (Data Center $($danaDc.userKey) ↔ Cloud $($danaCloud.user.accountId))"
    Test-SyncScope -Online | Where-Object Check -eq 'Users' | Format-Table -Wrap | Out-String -Width 160 | Out-Host

    Write-Step 'The same check with a wrong Cloud token'
    $wrong = [pscredential]::new('admin@example.com', (ConvertTo-SecureString 'not-the-token' -AsPlainText -Force))
    Test-SyncScope -Online -CloudCredential $wrong | Where-Object Severity -ne 'Information' | Format-Table -Wrap | Out-String -Width 160 | Out-Host

    Write-Step 'A scope file with mistakes'
    $broken = Join-Path $folder 'broken.yaml'
    (Get-Content -Raw $scopePath) -replace 'phase: dual-write', 'phase: dual-wrte' -replace 'maxDeletePercent: 10', 'maxDeletePercnt: 10' -replace 'env:SPACESYNC_DC_TOKEN', 'hunter2' |
        Set-Content -Path $broken
    Test-SyncScope -ScopePath $broken | Format-Table -Wrap | Out-String -Width 160 | Out-Host

    Write-Host 'Quiet form for runbooks:' -NoNewline
    Write-Host (" Test-SyncScope -Online -Quiet → {0}" -f (Test-SyncScope -Online -Quiet))

    function Wait-SearchIndex {
        # A scheduled run meets the newest writes at its next run; the demo shows everything in one, so it lets the index catch up.
        Write-Host "  (Confluence's search trails writes by a few seconds: waiting $indexLag s for both sites' index to catch up)"
        Start-Sleep -Seconds ($indexLag + 1)
    }

    Write-Step 'Start-SpaceBaseline: pair the pages of ENG and ENG2 by path'
    Wait-SearchIndex
    Start-SpaceBaseline -SpaceKey ENG | Format-List | Out-String -Width 160 | Out-Host

    Write-Step 'Both sides live on: people edit Data Center and Cloud'
    $ids = @($map.Keys | Sort-Object { [long]$_ })
    function Edit-DataCenterPage([string] $id, [string] $text, [string] $title) {
        $page = Invoke-EmulatorApi $dc "/rest/api/content/${id}?expand=body.storage,version"
        $null = Invoke-EmulatorApi $dc "/rest/api/content/$id" -Method Put -Body @{
            id = $id; type = 'page'; title = $(if ($title) { $title } else { $page.title }); space = @{ key = 'ENG' }
            body = @{ storage = @{ value = $page.body.storage.value + "<p>$text</p>"; representation = 'storage' } }
            version = @{ number = $page.version.number + 1 } }
        Write-Host ("  Data Center: {0,-40} {1}" -f "`"$($page.title)`"", $(if ($title) { "renamed to `"$title`"" } else { 'edited' }))
    }
    function Edit-CloudPage([string] $dcId, [string] $text) {
        $id = $map[$dcId]
        $page = Invoke-EmulatorApi $cloud "/api/v2/pages/${id}?body-format=storage"
        $null = Invoke-EmulatorApi $cloud "/api/v2/pages/$id" -Method Put -Body @{
            id = $id; status = 'current'; title = $page.title; version = @{ number = $page.version.number + 1 }
            body = @{ representation = 'storage'; value = $page.body.storage.value + "<p>$text</p>" } }
        Write-Host ("  Cloud:       {0,-40} edited" -f "`"$($page.title)`"")
    }
    Edit-DataCenterPage $ids[10] 'Runbook step added on Data Center.'
    Edit-DataCenterPage $ids[20] 'Contact list updated.' 'On-call Handbook'
    Edit-CloudPage $ids[30] 'Diagram link fixed on Cloud.'
    $cloudSpace = (Invoke-EmulatorApi $cloud '/api/v2/spaces?keys=ENG2').results[0]
    $null = Invoke-EmulatorApi $cloud '/api/v2/pages' -Method Post -Body @{ spaceId = $cloudSpace.id; status = 'current'
        title = 'Cloud Migration FAQ'; parentId = $cloudSpace.homepageId; body = @{ representation = 'storage'; value = '<p>Written on Cloud.</p>' } }
    Write-Host '  Cloud:       "Cloud Migration FAQ"                    created'
    # Cloud teams file pages into folders, which Data Center does not have: the page keeps its place there.
    $teamFolder = Invoke-EmulatorApi $cloud '/api/v2/folders' -Method Post -Body @{ spaceId = $cloudSpace.id; title = 'Team Notes'; parentId = $cloudSpace.homepageId }
    $filed = @((Invoke-EmulatorApi $cloud "/api/v2/pages/$($cloudSpace.homepageId)/children?limit=250").results) |
        Where-Object { $_.id -notin @($ids[10], $ids[20], $ids[30], $ids[40], $ids[-1] | ForEach-Object { $map[$_] }) } | Select-Object -First 1
    $filedPage = Invoke-EmulatorApi $cloud "/api/v2/pages/$($filed.id)?body-format=storage"
    $null = Invoke-EmulatorApi $cloud "/api/v2/pages/$($filed.id)" -Method Put -Body @{
        id = $filed.id; status = 'current'; title = $filedPage.title; parentId = $teamFolder.id; version = @{ number = $filedPage.version.number + 1 }
        body = @{ representation = 'storage'; value = $filedPage.body.storage.value } }
    Write-Host ("  Cloud:       {0,-40} filed into the new folder `"Team Notes`"" -f "`"$($filedPage.title)`"")
    $trashed = Invoke-EmulatorApi $cloud "/api/v2/pages/$($map[$ids[-1]])"
    $null = Invoke-EmulatorApi $cloud "/api/v2/pages/$($trashed.id)" -Method Delete
    Write-Host ("  Cloud:       {0,-40} trashed" -f "`"$($trashed.title)`"")
    $archived = Invoke-EmulatorApi $cloud "/api/v2/pages/$($map[$ids[50]])"
    $null = Set-ConfluenceEmulatorPageArchived $cloud $archived.id
    Write-Host ("  Cloud:       {0,-40} archived" -f "`"$($archived.title)`"")
    Edit-DataCenterPage $ids[50] 'Still maintained on Data Center.'
    Edit-DataCenterPage $ids[40] 'Data Center says: deploy on Tuesdays.'
    Edit-CloudPage $ids[40] 'Cloud says: deploy on Thursdays.'

    # A file attached on each site. Cloud serves files as it really does: its download servlet refuses API tokens, and
    # its REST download redirects to a media host on another origin, which SpaceSync asks without credentials.
    $filesFolder = New-Item -ItemType Directory -Force -Path (Join-Path $folder 'files')
    function New-DemoFile([string] $name, [int] $kilobytes, [int] $seed) {
        $bytes = [byte[]]::new($kilobytes * 1KB)
        [Random]::new($seed).NextBytes($bytes)
        $path = Join-Path $filesFolder $name
        [IO.File]::WriteAllBytes($path, $bytes)
        $path
    }
    $dcFile = @{ Name = 'network-diagram.png'; PageId = $ids[20] }
    $dcFile.Sha256 = Add-EmulatorAttachment $dc $dcFile.PageId (New-DemoFile $dcFile.Name 48 12)
    Write-Host ("  Data Center: {0,-40} file {1} attached" -f "`"$((Invoke-EmulatorApi $dc "/rest/api/content/$($dcFile.PageId)").title)`"", $dcFile.Name)
    $cloudFile = @{ Name = 'capacity-plan.xlsx'; PageId = $ids[30] }
    $cloudFile.Sha256 = Add-EmulatorAttachment $cloud $map[$cloudFile.PageId] (New-DemoFile $cloudFile.Name 96 32)
    Write-Host ("  Cloud:       {0,-40} file {1} attached" -f "`"$((Invoke-EmulatorApi $cloud "/api/v2/pages/$($map[$cloudFile.PageId])").title)`"", $cloudFile.Name)

    # The seeded space has a few restricted pages: restrictedPages: skip (the default) leaves them alone on both sites.
    function Show-Drift {
        $drift = @(Get-SyncDrift -SpaceKey ENG -WarningAction SilentlyContinue)
        $drift | Where-Object Status -ne 'Restricted' | Format-Table -Wrap | Out-String -Width 160 | Out-Host
        # The state's count once a sync has run (the drift of a change run lists only the restricted pages it looked
        # at); before that, the drift's, which lists every page the first time after the baseline.
        $restricted = (Get-SyncedSpace -SpaceKey ENG -Offline).RestrictedPages
        if ($null -eq $restricted) { $restricted = @($drift | Where-Object Status -eq 'Restricted').Count }
        if ($restricted) { Write-Host "  (and $restricted restricted pages, left untouched on both sites: restrictedPages is skip)" }
    }

    Write-Step 'Get-SyncDrift: what differs, and what a sync would do'
    Wait-SearchIndex
    Show-Drift

    Write-Step 'Invoke-SpaceSync (Cloud rate-limits the sync account to 8 requests a second meanwhile)'
    $null = Set-ConfluenceEmulatorFault $cloud -RateLimit 8 -RateLimitWindowSeconds 1 -NearLimitPercent 0
    Invoke-SpaceSync -SpaceKey ENG -Confirm:$false -WarningAction SilentlyContinue | Format-List | Out-String -Width 160 | Out-Host
    $null = Set-ConfluenceEmulatorFault $cloud

    Write-Step 'Afterwards: the conflict waits for an admin, the archived page for its restore, the folder stays on Cloud'
    Show-Drift
    $faq = (Invoke-EmulatorApi $dc '/rest/api/content?spaceKey=ENG&title=Cloud%20Migration%20FAQ').results
    Write-Host ("'Cloud Migration FAQ' on Data Center: {0}; '{1}' on Cloud: {2}" -f $(if ($faq) { 'present' } else { 'missing' }),
        'On-call Handbook', (Invoke-EmulatorApi $cloud "/api/v2/pages/$($map[$ids[20]])").title)
    # Each file on the other site, read back the way that site serves it, byte for byte.
    $onCloud = Get-EmulatorAttachment $cloud $map[$dcFile.PageId] | Where-Object Name -eq $dcFile.Name
    $onDc = Get-EmulatorAttachment $dc $cloudFile.PageId | Where-Object Name -eq $cloudFile.Name
    foreach ($crossing in @(@($dcFile, $onCloud, 'Cloud'), @($cloudFile, $onDc, 'Data Center'))) {
        $file, $copy, $site = $crossing
        if (-not $copy -or $copy.Sha256 -ne $file.Sha256) { throw "$($file.Name) did not reach $site byte-identical." }
        Write-Host ("'{0}' on {1}: {2:N0} bytes, SHA-256 {3}… as attached" -f $file.Name, $site, $copy.Size, $copy.Sha256.Substring(0, 12))
    }

    Write-Step 'Export-SyncReport: status, conflicts and drift in one HTML page'
    $report = Export-SyncReport -SpaceKey ENG -Path (Join-Path $folder 'report.html') -PassThru -WarningAction SilentlyContinue
    Write-Host "Report written to $($report.FullName) ($([Math]::Round($report.Length / 1KB)) KB, self-contained)"

    Write-Step 'Resolve-SyncConflict -Keep Both: the newer edit stays, the other text becomes a sibling page'
    Get-SyncConflict -SpaceKey ENG | Resolve-SyncConflict -Keep Both -Confirm:$false |
        Format-List Title, Outcome, Kept, CopyTitle, Message | Out-String -Width 160 | Out-Host
    Wait-SearchIndex
    $next = Invoke-SpaceSync -SpaceKey ENG -Confirm:$false -WarningAction SilentlyContinue
    Write-Host ("The next sync carries the kept copy across: {0} create(s); open conflicts now: {1}" -f $next.Count('Create'),
        @(Get-SyncConflict -SpaceKey ENG).Count)
}
finally {
    Write-Step 'Stopping the emulators'
    $emulators | Stop-ConfluenceEmulator
    Remove-Item Env:SPACESYNC_SCOPE, Env:SPACESYNC_CLOUD_TOKEN, Env:SPACESYNC_DC_TOKEN -ErrorAction SilentlyContinue
    Write-Host 'Done.'
}
