<#
.SYNOPSIS
Runs the GRACE host continuation supervisor (grace-host-continuation) with the project's Node.

.DESCRIPTION
Starts dist/src/cli/host-continuation.js with the Node.js 22 that npm installed for this project
(node_modules\node\bin\node.exe; on PowerShell 7 for Linux/macOS node_modules/node/bin/node).
When that is missing (for example in a global install) it falls back to `node` on PATH and says
so on stderr. The supervisor is started with the call operator and an argument array, never
through a command string, and this script exits with the supervisor's exit code.
The orchestrator checkout is $env:GRACE_MCP_HOME when set (so a consuming project can keep its
own copy of this script), else the folder of this script.

Works in Windows PowerShell 5.1 and PowerShell 7. Run `npm install` and `npm run build` first.

.PARAMETER DataDir
The orchestrator data directory. Defaults to $env:GRACE_ORCHESTRATOR_DATA_DIR; when neither is
given the script stops with exit code 2. A relative path is resolved against the current location.

.PARAMETER Once
Run one scan, print its JSON summary on stdout and exit.

.PARAMETER Stop
Ask the running supervisors of the data dir to stop cleanly (the named stop event they wait on),
then exit: 0 when one was asked, 1 when none was running. This is how the scheduled task is
stopped (scripts\Register-GraceHostContinuationTask.ps1 -Stop); Stop-ScheduledTask kills it hard.

.PARAMETER PollIntervalSeconds
Fallback poll interval in seconds (greater than 0). When omitted, the supervisor's default (5) applies.

.EXAMPLE
.\Start-GraceHostContinuation.ps1 -DataDir "$env:LOCALAPPDATA\GraceOrchestrator" -Once

.EXAMPLE
.\Start-GraceHostContinuation.ps1 -DataDir "$env:LOCALAPPDATA\GraceOrchestrator" -Stop

.EXAMPLE
powershell.exe -NoProfile -ExecutionPolicy Bypass -File .\Start-GraceHostContinuation.ps1 -PollIntervalSeconds 2.5
#>
[CmdletBinding()]
param(
    [string]$DataDir = $env:GRACE_ORCHESTRATOR_DATA_DIR,
    [switch]$Once,
    [switch]$Stop,
    [double]$PollIntervalSeconds = 5
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# Diagnostics go to stderr only: with -Once, stdout carries the supervisor's JSON summary.
function Stop-WithUsageError {
    param([string]$Message)

    [Console]::Error.WriteLine("Start-GraceHostContinuation: $Message")
    exit 2
}

if ([string]::IsNullOrWhiteSpace($DataDir)) {
    Stop-WithUsageError 'set GRACE_ORCHESTRATOR_DATA_DIR or pass -DataDir'
}
if ($Once -and $Stop) {
    Stop-WithUsageError '-Once and -Stop cannot be combined'
}
# NaN fails this comparison too.
if (-not ($PollIntervalSeconds -gt 0) -or [double]::IsInfinity($PollIntervalSeconds)) {
    Stop-WithUsageError "-PollIntervalSeconds must be a number greater than 0, got $PollIntervalSeconds"
}

# A consuming project's copy of this script finds the orchestrator checkout through GRACE_MCP_HOME.
if (-not [string]::IsNullOrWhiteSpace($env:GRACE_MCP_HOME)) {
    $repoRoot = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($env:GRACE_MCP_HOME)
}
else {
    $repoRoot = $PSScriptRoot
}
$entry = Join-Path $repoRoot 'dist/src/cli/host-continuation.js'
if (-not (Test-Path -LiteralPath $entry -PathType Leaf)) {
    Stop-WithUsageError "$entry is missing; run 'npm run build' in $repoRoot"
}
# The Node lookup is shared by the launchers; it lives in the checkout, so a copy of this script
# kept elsewhere (GRACE_MCP_HOME) uses the checkout's.
$nodeLookup = Join-Path $repoRoot 'scripts/GraceNode.ps1'
if (-not (Test-Path -LiteralPath $nodeLookup -PathType Leaf)) {
    Stop-WithUsageError "$nodeLookup is missing; the checkout in $repoRoot is incomplete"
}
. $nodeLookup
$node = Resolve-GraceNode -Root $repoRoot -Caller 'Start-GraceHostContinuation'

# PowerShell's location is not the process working directory, so hand over an absolute path.
$dataDirFull = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($DataDir)
# Windows PowerShell 5.1 quotes an argument with spaces as "...\" and the trailing backslash
# then escapes the closing quote; drop it. A bare drive root (C:\) has no spaces, so it is
# never quoted and is left alone.
if ($dataDirFull.Length -gt 3 -and $dataDirFull.EndsWith('\')) {
    $dataDirFull = $dataDirFull.TrimEnd('\')
}

$nodeArgs = @($entry, '--data-dir', $dataDirFull)
if ($Once) {
    $nodeArgs += '--once'
}
if ($Stop) {
    $nodeArgs += '--stop'
}
if ($PSBoundParameters.ContainsKey('PollIntervalSeconds')) {
    # Invariant culture: a German locale would otherwise write 2,5.
    $interval = $PollIntervalSeconds.ToString('R', [System.Globalization.CultureInfo]::InvariantCulture)
    $nodeArgs += @('--poll-interval-seconds', $interval)
}

& $node @nodeArgs
exit $LASTEXITCODE
