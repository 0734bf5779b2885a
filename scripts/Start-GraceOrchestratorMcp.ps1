<#
.SYNOPSIS
Starts the GRACE orchestrator MCP server (grace-orchestrator-mcp) over STDIO for one actor.

.DESCRIPTION
For MCP client configurations that launch PowerShell. Sets GRACE_ORCHESTRATOR_ACTOR_NAME,
GRACE_ORCHESTRATOR_ACTOR_ROLE, GRACE_ORCHESTRATOR_DATA_DIR (and GRACE_LOG_LEVEL) for the server
process, runs dist/src/cli/server.js with the project's Node.js 22
(node_modules\node\bin\node.exe, else `node` on PATH) and exits with the server's exit code.
The variables are restored afterwards, so an interactive session is left as it was.
The orchestrator checkout is $env:GRACE_MCP_HOME when set (so a consuming project can keep its
own copy of this script), else the parent of this script's folder.

stdout belongs to the server's JSON-RPC stream: this script writes nothing to it. Its own
diagnostics go to stderr.

Works in Windows PowerShell 5.1 and PowerShell 7. Run `npm install` and `npm run build` first.

.PARAMETER ActorName
Required. The actor identity this server process is bound to (for example codex-main or glm-1).

.PARAMETER ActorRole
Required. One of user, codex, glm, test_owner, worker_junior, worker_pro.

.PARAMETER DataDir
The shared orchestrator data directory. When omitted, the server's default applies
($env:GRACE_ORCHESTRATOR_DATA_DIR if set, else %LOCALAPPDATA%\GraceOrchestrator).

.PARAMETER LogLevel
error, warn, info or debug (logs go to stderr). When omitted, the server's default applies.

.EXAMPLE
powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File C:\src\grace-orchestrator-mcp\scripts\Start-GraceOrchestratorMcp.ps1 -ActorName codex-main -ActorRole codex -DataDir C:\grace-data
#>
[CmdletBinding()]
param(
    [string]$ActorName,

    [ValidateSet('user', 'codex', 'glm', 'test_owner', 'worker_junior', 'worker_pro')]
    [string]$ActorRole,

    [string]$DataDir,

    [ValidateSet('error', 'warn', 'info', 'debug')]
    [string]$LogLevel
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Stop-WithUsageError {
    param([string]$Message)

    [Console]::Error.WriteLine("Start-GraceOrchestratorMcp: $Message")
    exit 2
}

# Checked here rather than with Mandatory = $true: a missing mandatory parameter makes
# PowerShell prompt on stdin, which under an MCP client is the JSON-RPC stream.
if ([string]::IsNullOrWhiteSpace($ActorName)) {
    Stop-WithUsageError 'pass -ActorName (the actor identity this server is bound to)'
}
if ([string]::IsNullOrWhiteSpace($ActorRole)) {
    Stop-WithUsageError 'pass -ActorRole (user, codex, glm, test_owner, worker_junior or worker_pro)'
}

# A consuming project's copy of this script finds the orchestrator checkout through GRACE_MCP_HOME.
if (-not [string]::IsNullOrWhiteSpace($env:GRACE_MCP_HOME)) {
    $repoRoot = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($env:GRACE_MCP_HOME)
}
else {
    $repoRoot = Split-Path -Parent $PSScriptRoot
}
$entry = Join-Path $repoRoot 'dist/src/cli/server.js'
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
$node = Resolve-GraceNode -Root $repoRoot -Caller 'Start-GraceOrchestratorMcp'

$childEnv = @{
    GRACE_ORCHESTRATOR_ACTOR_NAME = $ActorName
    GRACE_ORCHESTRATOR_ACTOR_ROLE = $ActorRole
}
if (-not [string]::IsNullOrWhiteSpace($DataDir)) {
    # PowerShell's location is not the process working directory, so hand over an absolute path.
    $childEnv['GRACE_ORCHESTRATOR_DATA_DIR'] = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($DataDir)
}
if (-not [string]::IsNullOrWhiteSpace($LogLevel)) {
    $childEnv['GRACE_LOG_LEVEL'] = $LogLevel
}

# The call operator has no per-child environment, so set the variables around the call and
# put the previous values back afterwards.
$saved = @{}
foreach ($name in $childEnv.Keys) {
    $saved[$name] = [Environment]::GetEnvironmentVariable($name, 'Process')
    [Environment]::SetEnvironmentVariable($name, $childEnv[$name], 'Process')
}
$exitCode = 1
try {
    # Not piped or assigned: the server inherits this process's stdin/stdout, so JSON-RPC
    # passes through untouched.
    & $node $entry
    $exitCode = $LASTEXITCODE
}
finally {
    foreach ($name in $saved.Keys) {
        [Environment]::SetEnvironmentVariable($name, $saved[$name], 'Process')
    }
}
exit $exitCode
