# The pieces of build.ps1 that are worth testing on their own (tests/Pester/Build.Tests.ps1): running native
# commands, reading the changelog, stamping the manifest and packing the module. build.ps1 imports this file.

function Invoke-Native {
    # Runs an external command and stops the build when it fails. A simple function on purpose: an advanced one
    # would take dotnet's "-v:minimal" for its own -Verbose.
    # The arguments are taken as an array whatever their number: `$command, $rest = $args` leaves a lone argument
    # as a plain string, splatting a string passes nothing, and `sh script.sh` ran `sh` with no script at all.
    $command = $args[0]
    [object[]] $arguments = @($args | Select-Object -Skip 1)
    & $command @arguments
    if ($LASTEXITCODE -ne 0) { throw "'$command $($arguments -join ' ')' failed with exit code $LASTEXITCODE" }
}

function Get-ChangelogSection {
    <#
    .SYNOPSIS
        The text of one version's section of a Keep a Changelog file (without its heading), trimmed.
        Throws when the version has no section: a version is not packed without saying what it changed.
    #>
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Version)
    $lines = Get-Content -LiteralPath $Path
    $heading = '^## \[' + [regex]::Escape($Version) + '\]'
    $start = -1
    for ($i = 0; $i -lt $lines.Count; $i++) {
        if ($lines[$i] -match $heading) { $start = $i + 1; break }
    }
    if ($start -lt 0) { throw "$Path has no section '## [$Version]': add one saying what this version changed." }
    $end = $lines.Count
    for ($i = $start; $i -lt $lines.Count; $i++) {
        if ($lines[$i] -match '^## \[' -or $lines[$i] -match '^\[[^\]]+\]:\s') { $end = $i; break }
    }
    $text = ($lines[$start..($end - 1)] -join "`n").Trim()
    if (-not $text) { throw "$Path has an empty section for $Version." }
    return $text
}

function Set-ManifestMetadata {
    <#
    .SYNOPSIS
        Returns the manifest text with what the build knows stamped in: the version, the release notes and the
        project's URLs. A URL left empty removes its key, so the manifest never claims an address that does not exist.
    #>
    param(
        [Parameter(Mandatory)] [string] $Text,
        [Parameter(Mandatory)] [string] $Version,
        [Parameter(Mandatory)] [string] $ReleaseNotes,
        [string] $ProjectUri = '',
        [string] $LicenseUri = ''
    )
    $Text = Set-ManifestKey $Text 'ModuleVersion' $Version
    $Text = Set-ManifestKey $Text 'ReleaseNotes' $ReleaseNotes
    $Text = Set-ManifestKey $Text 'ProjectUri' $ProjectUri
    $Text = Set-ManifestKey $Text 'LicenseUri' $LicenseUri
    return $Text
}

function Set-ManifestKey([string] $Text, [string] $Key, [string] $Value) {
    # The root manifest holds each stamped key once as `Key = '...'` on a line of its own.
    $pattern = "(?m)^(?<indent>[ \t]*)$Key(?<gap>\s*)=\s*'(?:[^']|'')*'[ \t]*\r?\n"
    $match = [regex]::Match($Text, $pattern)
    if (-not $match.Success) { throw "The manifest has no line `"$Key = '...'`" to stamp." }
    $line = if ($Value) {
        $quoted = "'" + ($Value -replace "'", "''") + "'"
        "$($match.Groups['indent'].Value)$Key$($match.Groups['gap'].Value)= $quoted`n"
    }
    else { '' }
    return $Text.Remove($match.Index, $match.Length).Insert($match.Index, $line)
}

function New-ModulePackage {
    <#
    .SYNOPSIS
        Packs an assembled module folder as a NuGet package (for Install-PSResource / Save-PSResource from a feed)
        and as the zip Azure Automation imports, and returns both files.
    .DESCRIPTION
        Azure Automation takes a zip whose name, top folder and manifest share the module's name
        (SpaceSync.zip › SpaceSync/SpaceSync.psd1); the version is inside the manifest.
    #>
    param([Parameter(Mandatory)] [string] $ModuleFolder, [Parameter(Mandatory)] [string] $Destination)
    $name = Split-Path $ModuleFolder -Leaf
    $manifest = Join-Path $ModuleFolder "$name.psd1"
    $version = (Import-PowerShellDataFile $manifest).ModuleVersion
    New-Item -ItemType Directory -Force -Path $Destination | Out-Null

    $nupkg = Join-Path $Destination "$name.$version.nupkg"
    Remove-Item $nupkg -ErrorAction SilentlyContinue
    # PSResourceGet's own packer writes the nuspec from the manifest (id, version, description, tags, release
    # notes, URLs), exactly as Publish-PSResource would.
    Compress-PSResource -Path $ModuleFolder -DestinationPath $Destination
    if (-not (Test-Path $nupkg)) { throw "Compress-PSResource wrote no $nupkg." }

    $zip = Join-Path $Destination "$name.zip"
    Remove-Item $zip -ErrorAction SilentlyContinue
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    # includeBaseDirectory: every entry sits below "<name>/"; entry names use '/' on every platform.
    [System.IO.Compression.ZipFile]::CreateFromDirectory($ModuleFolder, $zip, [System.IO.Compression.CompressionLevel]::Optimal, $true)

    Get-Item $nupkg, $zip
}

Export-ModuleMember -Function Invoke-Native, Get-ChangelogSection, Set-ManifestMetadata, New-ModulePackage
