#Requires -Version 7.2
<#
.SYNOPSIS
    Generates the module's MAML help (SpaceSync.PowerShell.dll-Help.xml) from docs/help/*.md.
.DESCRIPTION
    Binary cmdlets take their help from MAML. No MAML generator is available here, and raw MAML is not
    for people to maintain, so the readable source is one markdown file per cmdlet and this script
    joins it with the built cmdlets' own metadata (parameter types, positions, pipeline input, sets).
    It fails the build when a cmdlet has no help file, a parameter has no description, or a cmdlet
    has fewer than two examples.

    Markdown layout (## sections, ### items):
      # Verb-Noun
      ## SYNOPSIS / ## DESCRIPTION / ## PARAMETERS (### -Name) / ## INPUTS (### Type) /
      ## OUTPUTS (### Type) / ## EXAMPLES (### Example N: title, a ```powershell block, then remarks) /
      ## NOTES / ## RELATED LINKS (- name)

    With -OnlineHelpBaseUri (Directory.Build.props' ModuleHelpUri, once the docs have a public address), each
    cmdlet's first related link is "Online Version:" <base>/<Verb-Noun>.md, which Get-Help -Online opens.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SourcePath,
    [Parameter(Mandatory)] [string] $OutputPath,
    [string] $OnlineHelpBaseUri = ''
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Read-HelpMarkdown([string] $path) {
    # Returns @{ Sections = @{ NAME = @{ Text = '...'; Items = [ordered]@{ title = text } } } }
    $sections = @{}
    $section = $null; $item = $null
    $inFence = $false
    foreach ($line in Get-Content $path) {
        if ($line -match '^```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^## (.+)$') {
            $section = @{ Text = [Text.StringBuilder]::new(); Items = [ordered]@{} }
            $sections[$Matches[1].Trim().ToUpperInvariant()] = $section
            $item = $null
            continue
        }
        if (-not $inFence -and $line -match '^### (.+)$' -and $section) {
            $item = [Text.StringBuilder]::new()
            $section.Items[$Matches[1].Trim()] = $item
            continue
        }
        if (-not $inFence -and $line -match '^# ') { continue }
        if ($item) { [void]$item.AppendLine($line) } elseif ($section) { [void]$section.Text.AppendLine($line) }
    }
    return $sections
}

function Split-Paragraphs([string] $text) {
    # Blank lines separate paragraphs; lines inside a paragraph are joined with spaces.
    ($text.Trim() -split '\r?\n\s*\r?\n') | ForEach-Object { ($_ -split '\r?\n' | ForEach-Object Trim) -join ' ' } | Where-Object { $_ }
}

$mamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$commandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$devNs = 'http://schemas.microsoft.com/maml/dev/2004/10'

$settings = [Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [Text.UTF8Encoding]::new($false)
$writer = [Xml.XmlWriter]::Create($OutputPath, $settings)

function Write-Paras([string] $text) {
    foreach ($para in Split-Paragraphs $text) { $writer.WriteElementString('maml', 'para', $mamlNs, $para) }
}

function Write-Description([string] $text) {
    $writer.WriteStartElement('maml', 'description', $mamlNs)
    Write-Paras $text
    $writer.WriteEndElement()
}

function Get-TypeName([Type] $type) {
    if ($type.IsGenericType -and $type.GetGenericTypeDefinition() -eq [Nullable`1]) { $type = $type.GetGenericArguments()[0] }
    return $type.Name
}

function Write-Parameter($parameter, $setParameter, [string] $description, [bool] $withDefault) {
    $pipeline = @()
    if ($setParameter.ValueFromPipeline) { $pipeline += 'ByValue' }
    if ($setParameter.ValueFromPipelineByPropertyName) { $pipeline += 'ByPropertyName' }
    $pipelineText = if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }
    $position = if ($setParameter.Position -ge 0) { [string]$setParameter.Position } else { 'named' }
    $aliases = if ($parameter.Aliases.Count) { $parameter.Aliases -join ', ' } else { 'none' }
    $isSwitch = $parameter.ParameterType -eq [switch]

    $writer.WriteStartElement('command', 'parameter', $commandNs)
    $writer.WriteAttributeString('required', $setParameter.IsMandatory.ToString().ToLowerInvariant())
    $writer.WriteAttributeString('variableLength', 'true')
    $writer.WriteAttributeString('globbing', 'false')
    $writer.WriteAttributeString('pipelineInput', $pipelineText)
    $writer.WriteAttributeString('position', $position)
    $writer.WriteAttributeString('aliases', $aliases)
    $writer.WriteElementString('maml', 'name', $mamlNs, $parameter.Name)
    Write-Description $description
    if (-not $isSwitch) {
        $writer.WriteStartElement('command', 'parameterValue', $commandNs)
        $writer.WriteAttributeString('required', 'true')
        $writer.WriteAttributeString('variableLength', 'false')
        $writer.WriteString((Get-TypeName $parameter.ParameterType))
        $writer.WriteEndElement()
    }
    $writer.WriteStartElement('dev', 'type', $devNs)
    $writer.WriteElementString('maml', 'name', $mamlNs, $parameter.ParameterType.FullName)
    $writer.WriteEndElement()
    if ($withDefault) { $writer.WriteElementString('dev', 'defaultValue', $devNs, $(if ($isSwitch) { 'False' } else { 'None' })) }
    $writer.WriteEndElement()
}

$problems = [Collections.Generic.List[string]]::new()
Import-Module $ModulePath -Force
$moduleName = [IO.Path]::GetFileNameWithoutExtension($ModulePath)
$commands = Get-Command -Module $moduleName -CommandType Cmdlet | Sort-Object Name
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

$writer.WriteStartDocument()
$writer.WriteStartElement('helpItems', 'http://msh')
$writer.WriteAttributeString('schema', 'maml')

foreach ($command in $commands) {
    $file = Join-Path $SourcePath "$($command.Name).md"
    if (-not (Test-Path $file)) { $problems.Add("$($command.Name): no help file $file"); continue }
    $doc = Read-HelpMarkdown $file
    foreach ($required in 'SYNOPSIS', 'DESCRIPTION', 'PARAMETERS', 'EXAMPLES') {
        if (-not $doc.ContainsKey($required)) { $problems.Add("$($command.Name): section '## $required' is missing") }
    }
    if ($problems.Count) { continue }

    $parameterHelp = @{}
    foreach ($key in $doc.PARAMETERS.Items.Keys) { $parameterHelp[$key.TrimStart('-')] = $doc.PARAMETERS.Items[$key].ToString() }
    $ownParameters = $command.Parameters.Values | Where-Object { $common -notcontains $_.Name }
    foreach ($p in $ownParameters) {
        if (-not $parameterHelp[$p.Name] -or -not $parameterHelp[$p.Name].Trim()) { $problems.Add("$($command.Name): parameter -$($p.Name) has no description") }
    }
    foreach ($documented in $parameterHelp.Keys) {
        if (-not $command.Parameters.ContainsKey($documented)) { $problems.Add("$($command.Name): documents -$documented, which the cmdlet does not have") }
    }
    if ($doc.EXAMPLES.Items.Count -lt 2) { $problems.Add("$($command.Name): needs at least two examples, has $($doc.EXAMPLES.Items.Count)") }

    $writer.WriteStartElement('command', 'command', $commandNs)
    $writer.WriteAttributeString('xmlns', 'maml', $null, $mamlNs)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $devNs)

    $writer.WriteStartElement('command', 'details', $commandNs)
    $writer.WriteElementString('command', 'name', $commandNs, $command.Name)
    $writer.WriteElementString('command', 'verb', $commandNs, $command.Verb)
    $writer.WriteElementString('command', 'noun', $commandNs, $command.Noun)
    Write-Description $doc.SYNOPSIS.Text.ToString()
    $writer.WriteEndElement()

    Write-Description $doc.DESCRIPTION.Text.ToString()

    $writer.WriteStartElement('command', 'syntax', $commandNs)
    foreach ($set in $command.ParameterSets) {
        $writer.WriteStartElement('command', 'syntaxItem', $commandNs)
        $writer.WriteElementString('maml', 'name', $mamlNs, $command.Name)
        foreach ($sp in $set.Parameters | Where-Object { $common -notcontains $_.Name } | Sort-Object { if ($_.Position -ge 0) { $_.Position } else { 1000 } }) {
            Write-Parameter $command.Parameters[$sp.Name] $sp $parameterHelp[$sp.Name] $false
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'parameters', $commandNs)
    foreach ($p in $ownParameters | Sort-Object Name) {
        $first = $command.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object Name -eq $p.Name | Select-Object -First 1
        Write-Parameter $p $first $parameterHelp[$p.Name] $true
    }
    $writer.WriteEndElement()

    foreach ($kind in @(@{ Section = 'INPUTS'; List = 'inputTypes'; Item = 'inputType' }, @{ Section = 'OUTPUTS'; List = 'returnValues'; Item = 'returnValue' })) {
        if (-not $doc.ContainsKey($kind.Section)) { continue }
        $writer.WriteStartElement('command', $kind.List, $commandNs)
        foreach ($typeName in $doc[$kind.Section].Items.Keys) {
            $writer.WriteStartElement('command', $kind.Item, $commandNs)
            $writer.WriteStartElement('dev', 'type', $devNs)
            $writer.WriteElementString('maml', 'name', $mamlNs, $typeName)
            $writer.WriteEndElement()
            Write-Description $doc[$kind.Section].Items[$typeName].ToString()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
    }

    if ($doc.ContainsKey('NOTES')) {
        $writer.WriteStartElement('maml', 'alertSet', $mamlNs)
        $writer.WriteStartElement('maml', 'alert', $mamlNs)
        Write-Paras $doc.NOTES.Text.ToString()
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }

    $writer.WriteStartElement('command', 'examples', $commandNs)
    foreach ($title in $doc.EXAMPLES.Items.Keys) {
        $body = $doc.EXAMPLES.Items[$title].ToString()
        $code = if ($body -match '(?s)```(?:powershell)?\r?\n(.*?)\r?\n```') { $Matches[1] } else { '' }
        if (-not $code) { $problems.Add("$($command.Name): example '$title' has no code block") }
        $remarks = $body -replace '(?s)```.*?```', ''
        $writer.WriteStartElement('command', 'example', $commandNs)
        $writer.WriteElementString('maml', 'title', $mamlNs, "-------------------------- $title --------------------------")
        $writer.WriteElementString('dev', 'code', $devNs, $code)
        $writer.WriteStartElement('dev', 'remarks', $devNs)
        Write-Paras $remarks
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    # (text, uri) pairs; only the online version has an address.
    $links = [System.Collections.Generic.List[object[]]]::new()
    if ($OnlineHelpBaseUri) {
        $links.Add(@('Online Version:', ($OnlineHelpBaseUri.TrimEnd('/') + '/' + $command.Name + '.md')))
    }
    if ($doc.ContainsKey('RELATED LINKS')) {
        foreach ($line in $doc['RELATED LINKS'].Text.ToString() -split '\r?\n') {
            if ($line -match '^\s*-\s*(.+)$') { $links.Add(@($Matches[1].Trim(), '')) }
        }
    }
    if ($links.Count) {
        $writer.WriteStartElement('command', 'relatedLinks', $commandNs)
        foreach ($link in $links) {
            $writer.WriteStartElement('maml', 'navigationLink', $mamlNs)
            $writer.WriteElementString('maml', 'linkText', $mamlNs, $link[0])
            $writer.WriteElementString('maml', 'uri', $mamlNs, $link[1])
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
    }

    $writer.WriteEndElement()
}

$writer.WriteEndElement()
$writer.WriteEndDocument()
$writer.Dispose()

if ($problems.Count) {
    $problems | ForEach-Object { Write-Host "help: $_" -ForegroundColor Red }
    Remove-Item $OutputPath -ErrorAction SilentlyContinue
    exit 1
}
Write-Host "Help for $($commands.Count) cmdlets written to $OutputPath"
