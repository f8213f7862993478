# Shared by the Pester files: where the built module is, and a way to run code in a fresh pwsh
# (assemblies cannot be unloaded, so load-order tests need their own process).

function Get-TestModuleManifest {
    if (-not $env:SPACESYNC_TEST_MODULE) { throw 'SPACESYNC_TEST_MODULE is not set: run the suite through build.ps1 -Task Test.' }
    return $env:SPACESYNC_TEST_MODULE
}

function Get-RepositoryRoot { Split-Path (Split-Path $PSScriptRoot) }

function Invoke-FreshPwsh {
    # Runs a script in a new pwsh process and returns what it wrote to the success stream, as JSON-decoded objects.
    # -Interactive starts it without -NonInteractive (what the module does differently for an interactive session).
    param([Parameter(Mandatory)] [string] $Script, [switch] $Interactive)
    $wrapped = "`$ErrorActionPreference = 'Stop'; & { $Script } | ConvertTo-Json -Depth 5 -Compress"
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($wrapped))
    Push-Location (Get-RepositoryRoot)   # dotnet pwsh works only inside the tree with the tool manifest
    try {
        $switches = @('-NoProfile') + @(if (-not $Interactive) { '-NonInteractive' })
        $output = & dotnet pwsh @switches -EncodedCommand $encoded 2>&1
        $code = $LASTEXITCODE
    }
    finally { Pop-Location }
    $text = ($output | ForEach-Object { "$_" }) -join "`n"
    if ($code -ne 0) { throw "Fresh pwsh failed with exit code ${code}: $text" }
    $json = ($output | Where-Object { $_ -is [string] } | Select-Object -Last 1)
    if ($json) { return $json | ConvertFrom-Json } else { return $null }
}

function Start-FreshPwsh {
    <#
    .SYNOPSIS
        Starts a script in a new pwsh process and returns its System.Diagnostics.Process without waiting, so that a
        test can kill it mid-way (Kill($true) ends the whole tree). The process inherits this session's environment;
        its output goes to <LogPath>.out and <LogPath>.err.
    #>
    param([Parameter(Mandatory)] [string] $Script, [Parameter(Mandatory)] [string] $LogPath)
    $wrapped = "`$ErrorActionPreference = 'Stop'; $Script"
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($wrapped))
    # dotnet pwsh works only inside the tree with the tool manifest.
    Start-Process -FilePath 'dotnet' -ArgumentList 'pwsh', '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded `
        -WorkingDirectory (Get-RepositoryRoot) -PassThru -NoNewWindow -RedirectStandardOutput "$LogPath.out" -RedirectStandardError "$LogPath.err"
}

function Test-ProcessAlive {
    # True while the process runs. A killed process whose parent died too can linger as a zombie (Linux, state Z)
    # when PID 1 of a container does not reap orphans: it runs no more, so it counts as dead.
    param([Parameter(Mandatory)] [int] $Id)
    if (-not (Get-Process -Id $Id -ErrorAction SilentlyContinue)) { return $false }
    $status = "/proc/$Id/status"
    if (Test-Path $status) { return -not (Select-String -Path $status -Pattern '^State:\s+Z' -Quiet) }
    return $true
}

function Get-TestToken {
    # The token a test signs in with: the suite's canary for the flavour (tests/Invoke-PesterSuite.ps1 makes one per run
    # and the emulators accept it, see Start-ConfluenceEmulator -AdminToken), else the emulator's fixed default.
    param([Parameter(Mandatory)] [ValidateSet('cloud', 'datacenter')] [string] $Flavor)
    if ($Flavor -eq 'cloud') {
        if ($env:SPACESYNC_TEST_CANARY_CLOUD) { $env:SPACESYNC_TEST_CANARY_CLOUD } else { 'emulator-token' }
    }
    elseif ($env:SPACESYNC_TEST_CANARY_DC) { $env:SPACESYNC_TEST_CANARY_DC } else { 'emulator-pat' }
}

function New-TestScopeFile {
    # Writes a valid scope file for the given sites into a folder and returns its path.
    param(
        [Parameter(Mandatory)] [string] $Folder,
        [string] $CloudUrl = 'https://acme.atlassian.net/wiki',
        [string] $DataCenterUrl = 'https://wiki.acme.internal/confluence',
        [string] $DataCenterAuth = "type: bearer`n      token: env:SPACESYNC_TEST_DC_TOKEN",
        [string] $CloudToken = 'env:SPACESYNC_TEST_CLOUD_TOKEN',
        [string] $Spaces = "  - key: ENG`n    owner: eng-docs@acme.com`n"
    )
    New-Item -ItemType Directory -Force -Path $Folder | Out-Null
    $path = Join-Path $Folder 'spacesync.yaml'
    @"
version: 1
sites:
  cloud:
    url: $CloudUrl
    auth:
      type: basic
      user: admin@example.com
      token: $CloudToken
  datacenter:
    url: $DataCenterUrl
    auth:
      $DataCenterAuth
spaces:
$Spaces
"@ | Set-Content -Path $path -NoNewline
    return $path
}

function Clear-SeededRestrictions {
    # The emulator's seeder restricts a few Data Center pages, which restrictedPages: skip (the default) then leaves
    # alone; scenarios about everything else clear them first (Restrictions.Tests.ps1 covers restricted pages).
    param([Parameter(Mandatory)] $DataCenter, [string] $SpaceKey = 'ENG')
    $headers = @{ Authorization = 'Bearer emulator-pat' }
    $expand = 'restrictions.read.restrictions.user,restrictions.read.restrictions.group,restrictions.update.restrictions.user,restrictions.update.restrictions.group'
    $next = "/rest/api/content?spaceKey=$SpaceKey&type=page&expand=$expand&limit=100"
    $none = '[{"operation":"read","restrictions":{"user":[],"group":[]}},{"operation":"update","restrictions":{"user":[],"group":[]}}]'
    while ($next) {
        $answer = Invoke-RestMethod -Uri ($DataCenter.Url + $next) -Headers $headers
        foreach ($page in $answer.results) {
            $named = foreach ($op in 'read', 'update') { $page.restrictions.$op.restrictions.user.size + $page.restrictions.$op.restrictions.group.size }
            if (($named | Measure-Object -Sum).Sum -gt 0) {
                $null = Invoke-RestMethod -Uri "$($DataCenter.Url)/rest/api/content/$($page.id)/restriction" -Method Put -Headers $headers `
                    -Body $none -ContentType 'application/json'
            }
        }
        $next = if ($answer._links.next) { $answer._links.next } else { $null }
    }
}

function Remove-CloudLocalId {
    # Cloud stores every body it is given with a local id on each block (its editor's bookkeeping, which the engine does
    # not count as content): the stored text without them, to compare with what was written.
    param([Parameter(Mandatory, ValueFromPipeline)] [AllowEmptyString()] [string] $Body)
    process { $Body -replace ' (?:ac:)?local-id="[^"]*"', '' }
}

function Use-TestPostgres {
    # A PostgreSQL server for a test file: the Test task's throwaway cluster ($env:SPACESYNC_TEST_POSTGRES) when it runs
    # one, else a cluster of this file's own (tools/TestPostgres.psm1), which Stop-OwnTestPostgres removes in AfterAll.
    if ($env:SPACESYNC_TEST_POSTGRES) { return [pscustomobject]@{ ConnectionString = $env:SPACESYNC_TEST_POSTGRES; Own = $null } }
    Import-Module (Join-Path (Get-RepositoryRoot) 'tools/TestPostgres.psm1')
    $cluster = Start-TestPostgres
    [pscustomobject]@{ ConnectionString = $cluster.ConnectionString; Own = $cluster }
}

function Stop-OwnTestPostgres {
    param($Server)
    if ($Server -and $Server.Own) { $Server.Own | Stop-TestPostgres }
}

Export-ModuleMember -Function Get-TestModuleManifest, Get-TestToken, Get-RepositoryRoot, Invoke-FreshPwsh, Start-FreshPwsh, Test-ProcessAlive, New-TestScopeFile,
    Clear-SeededRestrictions, Remove-CloudLocalId, Use-TestPostgres, Stop-OwnTestPostgres
