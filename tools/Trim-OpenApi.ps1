#Requires -Version 7.2
<#
.SYNOPSIS
    Trims Atlassian's three Confluence OpenAPI documents to structure only, for the emulator's
    conformance tests, and applies a short list of documented patches.

.DESCRIPTION
    The originals (about 0.5-0.7 MB each, mostly prose) are not part of a clone of this project, so the
    tests carry a derived copy. The trim keeps paths, parameters, request bodies, responses and schemas,
    and removes only prose and samples: the keywords description, summary, example, examples,
    externalDocs, plus vendor extensions (x-*), which carry OAuth scopes and narrative text, not shape.

    Those words are removed ONLY where they are OpenAPI/JSON-Schema keywords. Inside maps whose keys are
    names (properties, schemas, paths, responses, parameters, headers, content, variables, ...) they are
    real names: Cloud v2 SpaceSingle has a property called "description"; a naive trim deletes it and the
    trimmed document then checks less than the original. Values of default/enum/const are data and are
    copied untouched.

    PATCHES (applied after trimming; each one fails the run if its target is missing, so a newer
    original that already fixed or moved the thing is noticed instead of silently patched elsewhere):

      cloud-v2.json
        P1  PageSingle.parentId, PageBulk.parentId: nullable: true.
            The document's own prose says "ID of the parent page, or null if there is no parent page",
            but the schema is a plain string, so a real top-level page ({"parentId": null}) fails it.
        P2  ParentContentType (the schema of parentType): nullable: true.
            Same prose ("or null if there is no parent"), same contradiction. The schema is shared, so
            whiteboards, databases, embeds and folders accept a null parentType too (same prose there).
        P3  PUT /pages/{id}: declare response 409 (no body schema, like the document's other errors).
            Atlassian documents the stale-version conflict (409, errors[].code CONFLICT) for page updates,
            but the operation lists only 200/400/401/404. The test asserts the 409 body itself.
        P11 PUT /blogposts/{id}, PUT /footer-comments/{comment-id}: declare response 409, as P3.
            Blog posts and comments are versioned content like pages: a stale version.number conflicts the same way.
      datacenter.json
        P4  PUT /rest/api/content/{contentId}: declare response 409 (no body schema).
            Data Center answers 409 "Version must be incremented on update"; the document lists 200/400/404.
        P5  GET /rest/api/content/{id}/child/attachment: declare response 200 with the schema the document
            files under 201. A GET of a list answers 200 on a real server; 201 is a documentation slip.
        P6  POST /rest/api/content: declare response 400 (no body schema).
            A duplicate title in a space (and other invalid input) answers 400; the document lists 200/404.
        P7  POST /rest/api/content/{id}/child/attachment: response 403 loses its RestError body schema.
            The 403 this operation gives is the XSRF refusal (no X-Atlassian-Token header), which Confluence's
            servlet filter answers in text/plain ("XSRF check failed") before the REST resource runs.
        P8  GET /rest/api/content/search: declare response 400 with the RestError schema of its 404.
            A CQL query that does not parse answers 400 (GET /rest/api/search, same CQL, declares it).
        P9  ValidationResult.errors (the `data.errors` of every RestError): type array instead of object.
            Data Center sends "errors": [] (a list of messages; the schema's "object" is what the generator
            made of Java's Iterable<ValidationError>); see the reference README's error envelope errors[].
        P10 PUT /rest/api/content/{contentId}: declare response 403 with the RestError schema of its 404.
            The document names no answer for a caller who may view but not edit the page; Cloud v1 documents
            the same resource (/rest/api/content/{id}, shared code) with "403: the calling user can not update
            the content". (DELETE needs no patch: the document says 404 for "no permission to trash".)
      cloud-v1.json
        (none)

    Verify a rerun with tools/OpenApiTrimCheck (see tools/README.md): a -NoPatch trim must validate every
    sample body exactly like the originals (0 differences); the patched trim may differ only where P1-P2
    accept null, P7 stops checking a body and P9 accepts an errors array (P3-P6, P8, P10, P11 add statuses
    the originals lack: nothing to compare).

.PARAMETER Source
    Folder holding cloud-v2.openapi.json, cloud-v1.openapi.json and datacenter-10.0.3.openapi.json.

.PARAMETER Destination
    Folder to write cloud-v2.json, cloud-v1.json and datacenter.json into (created if missing).

.PARAMETER NoPatch
    Trim only; used to prove that the trim by itself changes no validation result.

.EXAMPLE
    dotnet pwsh tools/Trim-OpenApi.ps1 -Source ../shared/reference/confluence -Destination tests/SpaceSync.Emulator.Tests/OpenApi
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Source,
    [Parameter(Mandatory)] [string] $Destination,
    [switch] $NoPatch
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$documents = [ordered]@{
    'cloud-v2.openapi.json'          = 'cloud-v2.json'
    'cloud-v1.openapi.json'          = 'cloud-v1.json'
    'datacenter-10.0.3.openapi.json' = 'datacenter.json'
}

# Keywords that carry prose or samples, never shape.
$proseKeywords = [System.Collections.Generic.HashSet[string]]::new([string[]]@(
        'description', 'summary', 'example', 'examples', 'externalDocs'))

# Keywords whose value is a map from NAMES to objects: its keys are never keywords.
$nameMapKeywords = [System.Collections.Generic.HashSet[string]]::new([string[]]@(
        'properties', 'patternProperties', 'definitions', 'schemas', 'paths', 'responses', 'parameters',
        'headers', 'content', 'variables', 'requestBodies', 'securitySchemes', 'links', 'callbacks',
        'encoding', 'mapping', 'scopes'))

# Keywords whose value is instance data (or a name list): copied as is.
$literalKeywords = [System.Collections.Generic.HashSet[string]]::new([string[]]@(
        'default', 'enum', 'const', 'required', 'security', 'tags'))

function Remove-Prose {
    <# Walks $Node in place. $InNameMap: the keys of $Node are names (keep them all). #>
    param([System.Text.Json.Nodes.JsonNode] $Node, [bool] $InNameMap)

    if ($Node -is [System.Text.Json.Nodes.JsonArray]) {
        foreach ($item in $Node) { if ($null -ne $item) { Remove-Prose $item $false } }
        return
    }
    if ($Node -isnot [System.Text.Json.Nodes.JsonObject]) { return }

    if ($InNameMap) {
        foreach ($entry in @($Node)) { if ($null -ne $entry.Value) { Remove-Prose $entry.Value $false } }
        return
    }
    foreach ($entry in @($Node)) {
        $key = $entry.Key
        if ($proseKeywords.Contains($key) -or $key.StartsWith('x-', [StringComparison]::Ordinal)) {
            [void] $Node.Remove($key)
        }
        elseif ($literalKeywords.Contains($key) -or $null -eq $entry.Value) {
            continue
        }
        else {
            Remove-Prose $entry.Value $nameMapKeywords.Contains($key)
        }
    }
}

function Get-Required {
    <# Returns the node at a JSON-pointer-like list of keys, or throws naming the missing step. #>
    param([System.Text.Json.Nodes.JsonNode] $Root, [string[]] $Keys, [string] $Patch)
    $node = $Root
    $walked = ''
    foreach ($key in $Keys) {
        $walked += "/$key"
        $next = $null
        if ($node -isnot [System.Text.Json.Nodes.JsonObject] -or -not $node.AsObject().TryGetPropertyValue($key, [ref] $next) -or $null -eq $next) {
            throw "Patch $Patch cannot be applied: '$walked' does not exist in this document. Review the patch against the new original."
        }
        $node = $next
    }
    # The comma stops PowerShell from unrolling a JsonObject into its key/value pairs.
    return , $node
}

function Set-Nullable {
    param([System.Text.Json.Nodes.JsonNode] $Root, [string[]] $Keys, [string] $Patch)
    $schema = Get-Required $Root $Keys $Patch
    if ($schema.AsObject().ContainsKey('$ref')) {
        throw "Patch ${Patch}: '$($Keys -join '/')' is a `$ref; patch the referenced schema instead."
    }
    $schema['nullable'] = [System.Text.Json.Nodes.JsonValue]::Create($true)
}

function Add-Response {
    <# Declares $Status on an operation; $Template (optional) is copied from another status of the same operation. #>
    param([System.Text.Json.Nodes.JsonNode] $Root, [string] $Path, [string] $Method, [string] $Status, [string] $CopyFrom, [string] $Patch)
    $responses = Get-Required $Root @('paths', $Path, $Method, 'responses') $Patch
    if ($responses.AsObject().ContainsKey($Status)) {
        throw "Patch ${Patch}: $($Method.ToUpperInvariant()) $Path already declares $Status; the patch is obsolete."
    }
    if ($CopyFrom) {
        $template = Get-Required $Root @('paths', $Path, $Method, 'responses', $CopyFrom) $Patch
        $responses[$Status] = $template.DeepClone()
    }
    else {
        $responses[$Status] = [System.Text.Json.Nodes.JsonNode]::Parse('{"content":{}}')
    }
}

function Set-SchemaType {
    <# Replaces a schema's type, checking the old one first (a fixed original makes the patch fail loudly). #>
    param([System.Text.Json.Nodes.JsonNode] $Root, [string[]] $Keys, [string] $From, [string] $To, [string] $Patch)
    $schema = Get-Required $Root $Keys $Patch
    $type = $null
    if (-not $schema.AsObject().TryGetPropertyValue('type', [ref] $type) -or $type.GetValue[string]() -ne $From) {
        throw "Patch ${Patch}: '$($Keys -join '/')' is not of type '$From'; the patch is obsolete."
    }
    $schema['type'] = [System.Text.Json.Nodes.JsonValue]::Create($To)
}

function Clear-ResponseBody {
    <# Keeps a declared status but drops its body schema (the answer is not JSON). #>
    param([System.Text.Json.Nodes.JsonNode] $Root, [string] $Path, [string] $Method, [string] $Status, [string] $Patch)
    $response = Get-Required $Root @('paths', $Path, $Method, 'responses', $Status) $Patch
    if (-not $response.AsObject().ContainsKey('content')) {
        throw "Patch ${Patch}: $($Method.ToUpperInvariant()) $Path $Status has no body declared; the patch is obsolete."
    }
    $response['content'] = [System.Text.Json.Nodes.JsonNode]::Parse('{}')
}

$patches = @{
    'cloud-v2.json'   = {
        param($doc)
        Set-Nullable $doc @('components', 'schemas', 'PageSingle', 'properties', 'parentId') 'P1'
        Set-Nullable $doc @('components', 'schemas', 'PageBulk', 'properties', 'parentId') 'P1'
        Set-Nullable $doc @('components', 'schemas', 'ParentContentType') 'P2'
        Add-Response $doc '/pages/{id}' 'put' '409' $null 'P3'
        Add-Response $doc '/blogposts/{id}' 'put' '409' $null 'P11'
        Add-Response $doc '/footer-comments/{comment-id}' 'put' '409' $null 'P11'
    }
    'cloud-v1.json'   = { param($doc) }
    'datacenter.json' = {
        param($doc)
        Add-Response $doc '/rest/api/content/{contentId}' 'put' '409' $null 'P4'
        Add-Response $doc '/rest/api/content/{id}/child/attachment' 'get' '200' '201' 'P5'
        Add-Response $doc '/rest/api/content' 'post' '400' $null 'P6'
        Clear-ResponseBody $doc '/rest/api/content/{id}/child/attachment' 'post' '403' 'P7'
        Add-Response $doc '/rest/api/content/search' 'get' '400' '404' 'P8'
        Set-SchemaType $doc @('components', 'schemas', 'ValidationResult', 'properties', 'errors') 'object' 'array' 'P9'
        Add-Response $doc '/rest/api/content/{contentId}' 'put' '403' '404' 'P10'
    }
}

if (-not (Test-Path -LiteralPath $Source -PathType Container)) { throw "Source folder '$Source' does not exist." }
[void] (New-Item -ItemType Directory -Force -Path $Destination)

$parseOptions = [System.Text.Json.JsonDocumentOptions]@{ MaxDepth = 512 }
$writeOptions = [System.Text.Json.JsonSerializerOptions]::new()
$writeOptions.WriteIndented = $true
$writeOptions.MaxDepth = 512
# Keep characters such as < > & ' readable in the committed files (they are data, not HTML).
$writeOptions.Encoder = [System.Text.Encodings.Web.JavaScriptEncoder]::UnsafeRelaxedJsonEscaping

foreach ($name in $documents.Keys) {
    $inputPath = Join-Path $Source $name
    if (-not (Test-Path -LiteralPath $inputPath -PathType Leaf)) { throw "Missing original '$inputPath'." }
    $doc = [System.Text.Json.Nodes.JsonNode]::Parse([System.IO.File]::ReadAllText($inputPath), $null, $parseOptions)

    Remove-Prose $doc $false
    # Top-level narrative and tag prose: neither is shape.
    foreach ($key in @('tags', 'info')) { [void] $doc.AsObject().Remove($key) }
    $doc['info'] = [System.Text.Json.Nodes.JsonNode]::Parse(('{{"title":"{0} (trimmed: structure only, see tools/Trim-OpenApi.ps1)","version":"trimmed"}}' -f $name))

    $outName = $documents[$name]
    if (-not $NoPatch) { & $patches[$outName] $doc }

    $outPath = Join-Path $Destination $outName
    [System.IO.File]::WriteAllText($outPath, $doc.ToJsonString($writeOptions) + "`n", [System.Text.UTF8Encoding]::new($false))
    '{0,-32} {1,8:N0} -> {2,-16} {3,8:N0} bytes' -f $name, (Get-Item $inputPath).Length, $outName, (Get-Item $outPath).Length
}
