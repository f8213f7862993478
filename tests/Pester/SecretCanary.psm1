# Canary tokens for the Pester suite (issue 13): the suite signs in with tokens that exist only for this run, runs every
# emulator so that its error bodies echo the request's Authorization header, and at the end searches everything the run
# left behind for any form of those tokens. Used by tests/Invoke-PesterSuite.ps1 and tests/Pester/Secrets.Tests.ps1.

function New-SecretCanary {
    # A token that exists nowhere else: letters and digits only, so every wire form of it is predictable.
    param([Parameter(Mandatory)] [ValidatePattern('^[A-Za-z0-9]+$')] [string] $Name)
    $alphabet = [char[]]'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'
    $random = [Security.Cryptography.RandomNumberGenerator]::GetBytes(24)
    'canary' + $Name + (-join ($random | ForEach-Object { $alphabet[$_ % $alphabet.Length] }))
}

function Get-SecretCanaryForm {
    # Every form a token takes on the wire or in a file: raw, URL-encoded, the Base64 of the token and of "user:token"
    # (unpadded, so a padded or a longer Base64 still matches), URL-safe Base64, and JSON's escapes of '+' and '/'.
    param([Parameter(Mandatory)] [string[]] $Token, [string[]] $User = @())
    $forms = [Collections.Generic.List[object]]::new()
    foreach ($t in $Token) {
        $add = {
            param($Value, $Form)
            $forms.Add([pscustomobject]@{ Token = $t; Form = $Form; Value = $Value })
        }
        & $add $t 'raw'
        & $add ([uri]::EscapeDataString($t)) 'url-encoded'
        $encoded = @(@{ Name = 'base64(token)'; Text = $t }) + @($User | ForEach-Object { @{ Name = "base64($_`:token)"; Text = "$_`:$t" } })
        foreach ($e in $encoded) {
            $b64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($e.Text)).TrimEnd('=')
            & $add $b64 $e.Name
            & $add ($b64.Replace('+', '-').Replace('/', '_')) "$($e.Name), url-safe"
            & $add ([uri]::EscapeDataString($b64)) "$($e.Name), url-encoded"
            & $add ($b64.Replace('+', '\u002B').Replace('/', '\u002F')) "$($e.Name), JSON-escaped"
            & $add ($b64.Replace('/', '\/')) "$($e.Name), JSON-escaped slash"
        }
    }
    # Distinct values: a token with no '+' or '/' has the same text in several forms.
    $forms | Group-Object Value | ForEach-Object { $_.Group[0] }
}

function Find-SecretCanary {
    <#
    .SYNOPSIS
        Searches files (recursively under folders) byte for byte for every form of the given tokens; returns one hit per
        file and form found (Path, Form, Token, Offset). Nothing returned = clean.
    #>
    param(
        [Parameter(Mandatory)] [string[]] $Path,
        [Parameter(Mandatory)] [string[]] $Token,
        [string[]] $User = @()
    )
    $forms = @(Get-SecretCanaryForm -Token $Token -User $User)
    # Latin-1 maps each byte to one char: an ASCII needle is found in UTF-8 text and in binary files (SQLite) alike.
    $latin1 = [Text.Encoding]::Latin1
    $files = foreach ($p in $Path) {
        if (Test-Path -LiteralPath $p -PathType Container) { Get-ChildItem -LiteralPath $p -Recurse -File -Force -ErrorAction SilentlyContinue }
        elseif (Test-Path -LiteralPath $p -PathType Leaf) { Get-Item -LiteralPath $p -Force }
    }
    # Regular files only: the runtime's diagnostic pipes and sockets in the temp folder would block a read for ever.
    $files = $files | Where-Object { -not $_.UnixMode -or $_.UnixMode[0] -eq '-' }
    foreach ($file in $files) {
        try { $bytes = [IO.File]::ReadAllBytes($file.FullName) }
        catch { Write-Warning "Canary scan could not read $($file.FullName): $($_.Exception.Message)"; continue }
        $text = $latin1.GetString($bytes)
        $utf16 = if ($bytes.Length -gt 1) { [Text.Encoding]::Unicode.GetString($bytes) } else { '' }
        foreach ($form in $forms) {
            $offset = $text.IndexOf($form.Value, [StringComparison]::Ordinal)
            $encoding = 'utf-8'
            if ($offset -lt 0) { $offset = $utf16.IndexOf($form.Value, [StringComparison]::Ordinal); $encoding = 'utf-16' }
            if ($offset -ge 0) {
                [pscustomobject]@{ Path = $file.FullName; Form = $form.Form; Token = $form.Token; Offset = $offset; Encoding = $encoding }
            }
        }
    }
}

Export-ModuleMember -Function New-SecretCanary, Get-SecretCanaryForm, Find-SecretCanary
