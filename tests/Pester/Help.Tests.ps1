# The help as a reader meets it (issue 15 item 8): each cmdlet's description short enough to read at a prompt, the
# detail in about topics, and every topic a cmdlet or topic points to actually there.

BeforeDiscovery {
    $script:ExportedCmdlets = (Import-PowerShellDataFile $env:SPACESYNC_TEST_MODULE).CmdletsToExport | ForEach-Object { @{ Name = $_ } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Manifest = Get-TestModuleManifest
    Import-Module $script:Manifest -Force
    $script:TopicFolder = Join-Path (Split-Path $script:Manifest) 'en-US'

    # Every about_ name a cmdlet's RELATED LINKS or an about topic's SEE ALSO names.
    $named = [Collections.Generic.SortedSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    foreach ($name in (Import-PowerShellDataFile $script:Manifest).CmdletsToExport) {
        foreach ($link in (Get-Help $name -Full).relatedLinks.navigationLink) {
            if ($link.linkText -match '^about_\w+$') { [void]$named.Add($link.linkText) }
        }
    }
    foreach ($file in Get-ChildItem $script:TopicFolder -Filter 'about_*.help.txt') {
        $seeAlso = ((Get-Content -Raw $file.FullName) -split '(?m)^SEE ALSO\s*$')[1]
        foreach ($line in $seeAlso -split '\r?\n') { if ($line.Trim() -match '^about_\w+$') { [void]$named.Add($line.Trim()) } }
    }
    $script:NamedTopics = @($named)

    # Get-Help as a user runs it: a fresh pwsh that has only imported the built module. One process for all topics.
    $names = ($script:NamedTopics | ForEach-Object { "'$_'" }) -join ','
    $found = Invoke-FreshPwsh -Script @"
Import-Module '$($script:Manifest)'
foreach (`$n in @($names)) {
    `$text = try { Get-Help `$n -ErrorAction Stop | Out-String } catch { '' }
    [pscustomobject]@{ Name = `$n; Found = [bool](`$text -match "TOPIC\s+`$n\s") }
}
"@
    $script:TopicFound = @{}
    foreach ($r in @($found)) { $script:TopicFound[$r.Name] = $r.Found }
}

Describe 'Help of <Name>' -ForEach $script:ExportedCmdlets {
    It 'has a description of at most 300 words' {
        $text = ((Get-Help $Name -Full).description.Text -join ' ')
        $words = @($text -split '\s+' | Where-Object { $_ }).Count
        $words | Should -BeGreaterThan 20 -Because "the description of $Name must say what it does"
        $words | Should -BeLessOrEqual 300 -Because "the detail of $Name belongs in an about_SpaceSync_* topic"
    }
}

Describe 'About topics' {
    It 'names the topics the issue asks for among the links' {
        foreach ($topic in 'about_SpaceSync_SyncRules', 'about_SpaceSync_Conflicts', 'about_SpaceSync_Phases', 'about_SpaceSync_Runbooks', 'about_SpaceSync_Errors') {
            $script:NamedTopics | Should -Contain $topic
        }
    }

    It 'links the phases from <_>, the cmdlets that show or change a space''s phase' -ForEach 'Get-SyncedSpace', 'Set-SyncedSpace', 'Add-SyncedSpace' {
        (Get-Help $_ -Full).relatedLinks.navigationLink.linkText | Should -Contain 'about_SpaceSync_Phases'
    }

    It 'lists the ErrorIds of the common failures in about_SpaceSync_Errors, with the SpaceSync. prefix' {
        $topic = Get-Content -Raw (Join-Path $script:TopicFolder 'about_SpaceSync_Errors.help.txt')
        foreach ($id in 'SecretNotFound', 'SiteUnauthorized', 'SiteForbidden', 'SiteRateLimited', 'SiteTlsFailed', 'SpaceLocked', 'ScopeFileInvalid', 'SpaceNotInScope') {
            $topic | Should -Match "SpaceSync\.$id\b"
        }
    }

    It 'opens every topic a cmdlet or topic links to, with Get-Help in a fresh pwsh' {
        $missing = $script:NamedTopics | Where-Object { -not $script:TopicFound[$_] }
        $missing | Should -BeNullOrEmpty -Because 'Get-Help <topic> must find each linked about topic'
    }

    It 'names each topic file after the TOPIC it holds' {
        foreach ($file in Get-ChildItem $script:TopicFolder -Filter 'about_*.help.txt') {
            $expected = $file.Name -replace '\.help\.txt$', ''
            (Get-Content -Raw $file.FullName) | Should -Match "^TOPIC\r?\n\s+$expected\r?\n"
        }
    }
}
