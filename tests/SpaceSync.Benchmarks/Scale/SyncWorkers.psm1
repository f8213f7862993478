# Workers sharing one PostgreSQL state, for tests/Pester/Workers.Tests.ps1 and the scale benchmark
# (Invoke-ScaleBenchmark.ps1): small spaces on both emulators as CCMA leaves them, a scope on PostgreSQL, worker
# processes that run Invoke-SpaceSync -SkipLocked once per round, and the edits made between rounds.
#
# Rounds are kept in step by files in one folder: the caller writes go-<round> after its edits; each worker runs once
# per go file and writes done-<round>-<worker>.json with what Invoke-SpaceSync returned, and warnings-<round>-<worker>.txt.

$root = Split-Path (Split-Path (Split-Path $PSScriptRoot))
Import-Module (Join-Path $root 'tools/EmulatorProcess.psm1')
Import-Module (Join-Path $root 'tests/Pester/TestHelpers.psm1')

function New-SmallSpaces {
    <#
    .SYNOPSIS
        Per key: a Data Center space with a home page and three children (Alpha, Beta, Gamma), an empty Cloud space of
        the same key, and the pages copied there as CCMA would. Returns key → (Data Center page id → Cloud page id).
    #>
    param([Parameter(Mandatory)] $DataCenter, [Parameter(Mandatory)] $Cloud, [Parameter(Mandatory)] [string[]] $Keys)
    $maps = @{}
    foreach ($key in $Keys) {
        $space = Invoke-EmulatorApi $DataCenter '/rest/api/space' -Method Post -Body @{ key = $key; name = "$key space" }
        foreach ($title in 'Alpha', 'Beta', 'Gamma') {
            $null = Invoke-EmulatorApi $DataCenter '/rest/api/content' -Method Post -Body @{
                type = 'page'; title = "$key $title"; space = @{ key = $key }; ancestors = @(@{ id = $space.homepage.id })
                body = @{ storage = @{ value = "<p>$title of $key as migrated.</p>"; representation = 'storage' } } }
        }
        $null = Invoke-EmulatorApi $Cloud '/api/v2/spaces' -Method Post -Body @{ key = $key; name = "$key space" }
        $maps[$key] = Copy-ConfluenceSpaceLikeCcma -DataCenter $DataCenter -Cloud $Cloud -SpaceKey $key -CloudKey $key
    }
    return $maps
}

function Get-SmallSpacePageId {
    # The Data Center id of a small space's page by position: 0 the home page, 1 Alpha, 2 Beta, 3 Gamma (creation order).
    param([Parameter(Mandatory)] [hashtable] $Map, [int] $Index = 2)
    @($Map.Keys | Sort-Object { [long]$_ })[$Index]
}

function Add-PageParagraph {
    <#
    .SYNOPSIS
        One edit on one site, as a person's edit makes it: a paragraph at the end of a small space's page (Beta unless
        -Index says otherwise), a new version.
    #>
    param([Parameter(Mandatory)] $DataCenter, [Parameter(Mandatory)] $Cloud, [Parameter(Mandatory)] [hashtable] $Maps,
        [Parameter(Mandatory)] [string] $Key, [Parameter(Mandatory)] [ValidateSet('datacenter', 'cloud')] [string] $Site,
        [Parameter(Mandatory)] [string] $Text, [int] $Index = 2)
    $dcId = Get-SmallSpacePageId $Maps[$Key] $Index
    if ($Site -eq 'datacenter') {
        $page = Invoke-EmulatorApi $DataCenter "/rest/api/content/${dcId}?expand=body.storage,version"
        $null = Invoke-EmulatorApi $DataCenter "/rest/api/content/$dcId" -Method Put -Body @{
            id = $dcId; type = 'page'; title = $page.title; space = @{ key = $Key }
            body = @{ storage = @{ value = $page.body.storage.value + "<p>$Text</p>"; representation = 'storage' } }
            version = @{ number = $page.version.number + 1 } }
    }
    else {
        $id = $Maps[$Key][$dcId]
        $page = Invoke-EmulatorApi $Cloud "/api/v2/pages/${id}?body-format=storage"
        $null = Invoke-EmulatorApi $Cloud "/api/v2/pages/$id" -Method Put -Body @{
            id = $id; status = 'current'; title = $page.title
            body = @{ representation = 'storage'; value = $page.body.storage.value + "<p>$Text</p>" }
            version = @{ number = $page.version.number + 1 } }
    }
}

function Rename-CloudPage {
    # A rename on Cloud (same body, new title, a new version): what a person tidying the migrated space does.
    param([Parameter(Mandatory)] $Cloud, [Parameter(Mandatory)] [string] $PageId, [Parameter(Mandatory)] [string] $Title)
    $page = Invoke-EmulatorApi $Cloud "/api/v2/pages/${PageId}?body-format=storage"
    $null = Invoke-EmulatorApi $Cloud "/api/v2/pages/$PageId" -Method Put -Body @{
        id = $PageId; status = 'current'; title = $Title
        body = @{ representation = 'storage'; value = $page.body.storage.value }
        version = @{ number = $page.version.number + 1 } }
}

function New-DataCenterChildPage {
    # A new page under a space's home page on Data Center.
    param([Parameter(Mandatory)] $DataCenter, [Parameter(Mandatory)] [string] $Key, [Parameter(Mandatory)] [string] $Title,
        [string] $Body = '<p>Written on Data Center after the migration.</p>')
    $space = Invoke-EmulatorApi $DataCenter "/rest/api/space/${Key}?expand=homepage"
    Invoke-EmulatorApi $DataCenter '/rest/api/content' -Method Post -Body @{
        type = 'page'; title = $Title; space = @{ key = $Key }; ancestors = @(@{ id = $space.homepage.id })
        body = @{ storage = @{ value = $Body; representation = 'storage' } } }
}

function New-WorkersScopeFile {
    <#
    .SYNOPSIS
        A scope file for both emulators with every key in dual-write and the state on PostgreSQL (the connection string in
        the environment variable -ConnectionVariable names, the schema -Schema). -MaxRequestsPerSecond caps each site's
        request rate per process (sites.*.maxRequestsPerSecond). Returns its path.
    #>
    param([Parameter(Mandatory)] [string] $Folder, [Parameter(Mandatory)] $DataCenter, [Parameter(Mandatory)] $Cloud,
        [Parameter(Mandatory)] [string[]] $Keys, [Parameter(Mandatory)] [string] $ConnectionVariable, [Parameter(Mandatory)] [string] $Schema,
        [int] $MaxRequestsPerSecond)
    $spaces = ($Keys | ForEach-Object { "  - key: $_`n    owner: $($_.ToLowerInvariant())@example.com`n    phase: dual-write`n" }) -join ''
    $path = New-TestScopeFile -Folder $Folder -CloudUrl $Cloud.Url -DataCenterUrl $DataCenter.Url `
        -Spaces "$spaces`state: { provider: postgresql, connection: env:$ConnectionVariable, schema: $Schema }`n"
    if ($MaxRequestsPerSecond -gt 0) {
        # Each site's url line is followed by its cap, at the site's indentation.
        $text = (Get-Content -Raw $path) -replace '(?m)^(    url: .*)$', "`$1`n    maxRequestsPerSecond: $MaxRequestsPerSecond"
        Set-Content -Path $path -Value $text -NoNewline
    }
    return $path
}

function Start-SyncWorker {
    <#
    .SYNOPSIS
        One worker process: imports the built module, then for each round waits for go-<round> in -Folder, runs
        Invoke-SpaceSync -SkipLocked over the scope's spaces (-ThrottleLimit when given) and writes what came back to
        done-<round>-<name>.json (one row a space). Returns @{ Name; Log; Process }.
        A space's error ends the worker (the caller sees it exit), unless -ContinueOnError: then, as a runbook with the
        default error preference would, it goes on, and the round's error records go to errors-<round>-<name>.txt.
    #>
    param([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [string] $ModuleManifest, [Parameter(Mandatory)] [string] $ScopePath,
        [Parameter(Mandatory)] [string] $Folder, [Parameter(Mandatory)] [int] $Rounds, [int] $ThrottleLimit, [switch] $ContinueOnError)
    $log = Join-Path $Folder "worker-$Name"
    $throttle = if ($ThrottleLimit -gt 0) { "-ThrottleLimit $ThrottleLimit" } else { '' }
    $onError = if ($ContinueOnError) { '-ErrorAction Continue -ErrorVariable failures' } else { '' }
    $script = @"
Import-Module '$ModuleManifest'
Set-Content -Path '$Folder/pid-$Name' -Value `$PID
for (`$round = 1; `$round -le $Rounds; `$round++) {
    while (-not (Test-Path "$Folder/go-`$round")) { Start-Sleep -Milliseconds 50 }
    `$failures = @()
    `$results = @(Invoke-SpaceSync -ScopePath '$ScopePath' -SkipLocked $throttle $onError -Confirm:`$false -WarningVariable warnings)
    @(`$failures | ForEach-Object { "`$_" -replace '\s+', ' ' }) | Set-Content "$Folder/errors-`$round-$Name.txt"
    # The round's warnings in a file of their own (a redirected stream may not be flushed when the caller reads it).
    @(`$warnings | ForEach-Object { "`$_" }) | Set-Content "$Folder/warnings-`$round-$Name.txt"
    `$rows = @(`$results | ForEach-Object { [pscustomobject]@{
        SpaceKey = `$_.SpaceKey; RunId = `$_.RunId; SkippedBy = `$_.SkippedLockedBy.OwnerId; SkippedAfter = `$_.SkippedAfterRun.Id; Requests = `$_.Requests
        Errors = @(`$_.Errors); Updates = `$_.Count('Update'); Creates = `$_.Count('Create'); AdoptedIntents = `$_.AdoptedIntents
        Seconds = `$_.Duration.TotalSeconds; Listing = "`$(`$_.Listing)"
        WaitDataCenter = `$_.RateLimitWait.DataCenter.TotalSeconds; WaitCloud = `$_.RateLimitWait.Cloud.TotalSeconds } })
    # Written under another name, then renamed: the caller never reads half a file.
    ConvertTo-Json -InputObject `$rows -Depth 4 | Set-Content "$Folder/tmp-`$round-$Name.json"
    Move-Item "$Folder/tmp-`$round-$Name.json" "$Folder/done-`$round-$Name.json"
}
"@
    @{ Name = $Name; Log = $log; Process = (Start-FreshPwsh -Script $script -LogPath $log) }
}

function Start-SyncRound {
    # Lets every worker start round -Round.
    param([Parameter(Mandatory)] [string] $Folder, [Parameter(Mandatory)] [int] $Round)
    New-Item -ItemType File -Path (Join-Path $Folder "go-$Round") | Out-Null
}

function Wait-SyncRound {
    <#
    .SYNOPSIS
        Every named worker's rows for the round, each with a Worker property; a worker that exits early, or a round
        past -TimeoutSeconds, throws with that worker's log.
    #>
    param([Parameter(Mandatory)] [string] $Folder, [Parameter(Mandatory)] [int] $Round, [Parameter(Mandatory)] [System.Collections.IDictionary] $Workers,
        [string[]] $Names = @($Workers.Keys), [int] $TimeoutSeconds = 300)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    foreach ($name in $Names) {
        $file = Join-Path $Folder "done-$Round-$name.json"
        while (-not (Test-Path $file)) {
            $process = $Workers[$name].Process
            if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
                $log = Get-Content -Raw -ErrorAction SilentlyContinue "$($Workers[$name].Log).err", "$($Workers[$name].Log).out"
                throw "Worker $name did not finish round $Round (exited: $($process.HasExited)): $log"
            }
            Start-Sleep -Milliseconds 200
        }
        Get-Content -Raw $file | ConvertFrom-Json | ForEach-Object { $_ } | Add-Member -NotePropertyName Worker -NotePropertyValue $name -PassThru
    }
}

function Get-SyncWorkerWarnings {
    # What Invoke-SpaceSync warned in those rounds, all named workers together.
    param([Parameter(Mandatory)] [string] $Folder, [Parameter(Mandatory)] [int[]] $Rounds, [Parameter(Mandatory)] [string[]] $Names)
    (@(foreach ($round in $Rounds) { foreach ($name in $Names) {
        Get-Content -Raw (Join-Path $Folder "warnings-$round-$name.txt") -ErrorAction SilentlyContinue } })) -join "`n"
}

function Get-SyncWorkerErrors {
    # The error records of workers started with -ContinueOnError in one round, one line each.
    param([Parameter(Mandatory)] [string] $Folder, [Parameter(Mandatory)] [int] $Round, [Parameter(Mandatory)] [string[]] $Names)
    foreach ($name in $Names) { Get-Content (Join-Path $Folder "errors-$Round-$name.txt") -ErrorAction SilentlyContinue | Where-Object { $_ } }
}

function Stop-SyncWorker {
    param([Parameter(Mandatory, ValueFromPipeline)] $Worker)
    process { if ($Worker -and -not $Worker.Process.HasExited) { $Worker.Process.Kill($true) } }
}

function Open-PostgresSyncState {
    # The module's PostgreSQL store over one schema (the module must be imported in this session and have loaded it).
    param([Parameter(Mandatory)] [string] $ConnectionString, [Parameter(Mandatory)] [string] $Schema)
    $type = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'SpaceSync.State.PostgreSql' } |
        ForEach-Object { $_.GetType('SpaceSync.State.PostgreSql.PostgresStateStore') } | Select-Object -First 1
    if (-not $type) { throw 'SpaceSync.State.PostgreSql is not loaded: run a cmdlet on a PostgreSQL scope first.' }
    $type::Open($ConnectionString, $Schema)
}

Export-ModuleMember -Function New-SmallSpaces, Get-SmallSpacePageId, Add-PageParagraph, Rename-CloudPage, New-DataCenterChildPage, New-WorkersScopeFile,
    Start-SyncWorker, Start-SyncRound, Wait-SyncRound, Get-SyncWorkerWarnings, Get-SyncWorkerErrors, Stop-SyncWorker, Open-PostgresSyncState
