<#
.SYNOPSIS
Registers (or with -Unregister removes) the Windows Task Scheduler job that keeps the GRACE host
continuation supervisor running for the current user.

.DESCRIPTION
The task runs at logon of the current user:
  powershell.exe -NoProfile -ExecutionPolicy Bypass -WindowStyle Hidden -File <repo>\Start-GraceHostContinuation.ps1 -DataDir <DataDir>
with these settings: restart on failure (every minute, up to 999 times), no second instance
while one runs (MultipleInstances IgnoreNew), hidden, and no execution time limit.

Running the script again replaces the task (Register-ScheduledTask -Force), so it is idempotent.

-CodexResumeCommand and -CodexStartCommand are persisted as the user environment variables
GRACE_CODEX_RESUME_COMMAND and GRACE_CODEX_START_COMMAND
([Environment]::SetEnvironmentVariable(..., 'User')), which the task's process inherits at
logon. Passing an empty string deletes the variable; omitting the parameter leaves it as it is.
The templates are split without a shell (CommandLineToArgvW rules on Windows), for example:
  -CodexResumeCommand 'C:\Tools\codex.exe exec resume --skip-git-repo-check {controller_session_id} "Read {prompt_file} and continue the GRACE controller review."'
  -CodexStartCommand  'C:\Tools\codex.exe exec --skip-git-repo-check "Read {prompt_file} and continue the GRACE controller review."'
Point them at an .exe: Node refuses to start .cmd/.bat files without a shell.

-Stop stops the running supervisor cleanly: it runs the launcher with -Stop, which sets the named
event the supervisor waits on, and the supervisor finishes its scan, releases its locks and exits 0
(so the task is not restarted). Stop-ScheduledTask would kill it hard instead.

-Unregister first stops the supervisor the same way, then removes the task if it exists; the user
environment variables are left in place.

The orchestrator checkout (whose launcher the task runs) is $env:GRACE_MCP_HOME when set (so a consuming project can keep its
own copy of this script), else the parent of this script's folder.

Works in Windows PowerShell 5.1 and PowerShell 7 on Windows (ScheduledTasks module).

.PARAMETER DataDir
The orchestrator data directory the supervisor watches. Defaults to $env:GRACE_ORCHESTRATOR_DATA_DIR.
Stored in the task as an absolute path.

.PARAMETER TaskName
Name of the scheduled task. Default: GraceHostContinuation.

.PARAMETER CodexResumeCommand
Command template for resuming a recorded controller session (GRACE_CODEX_RESUME_COMMAND).

.PARAMETER CodexStartCommand
Command template for a logical continuation in a new controller session (GRACE_CODEX_START_COMMAND).

.PARAMETER WaitSeconds
Seconds the supervisor waits for a launched controller's exit code (GRACE_HOST_CONTINUATION_WAIT_SECONDS;
0 = do not wait). Persisted like the command templates; an empty string deletes it.

.PARAMETER Stop
Stop the running supervisor cleanly instead of registering the task.

.PARAMETER Unregister
Stop the supervisor cleanly and remove the task instead of registering it.

.EXAMPLE
.\scripts\Register-GraceHostContinuationTask.ps1 -DataDir "$env:LOCALAPPDATA\GraceOrchestrator" -CodexStartCommand 'C:\Tools\codex.exe exec --skip-git-repo-check "Read {prompt_file} and continue the GRACE controller review."'

.EXAMPLE
.\scripts\Register-GraceHostContinuationTask.ps1 -Stop

.EXAMPLE
.\scripts\Register-GraceHostContinuationTask.ps1 -Unregister
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string]$DataDir = $env:GRACE_ORCHESTRATOR_DATA_DIR,

    [ValidateNotNullOrEmpty()]
    [string]$TaskName = 'GraceHostContinuation',

    [string]$CodexResumeCommand,

    [string]$CodexStartCommand,

    [ValidatePattern('^(|\d+(\.\d+)?)$')]
    [string]$WaitSeconds,

    [switch]$Stop,

    [switch]$Unregister
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Stop-WithUsageError {
    param([string]$Message)

    [Console]::Error.WriteLine("Register-GraceHostContinuationTask: $Message")
    exit 2
}

if ($null -eq (Get-Command -Name 'Register-ScheduledTask' -ErrorAction SilentlyContinue)) {
    Stop-WithUsageError 'the ScheduledTasks module is not available; this script needs Windows 8 / Server 2012 or later'
}

# A consuming project's copy of this script finds the orchestrator checkout through GRACE_MCP_HOME.
if (-not [string]::IsNullOrWhiteSpace($env:GRACE_MCP_HOME)) {
    $repoRoot = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($env:GRACE_MCP_HOME)
}
else {
    $repoRoot = Split-Path -Parent $PSScriptRoot
}
$launcher = Join-Path $repoRoot 'Start-GraceHostContinuation.ps1'

# A clean stop: the supervisor waits on a named event that the launcher's -Stop sets.
if ($Stop) {
    if ([string]::IsNullOrWhiteSpace($DataDir)) {
        Stop-WithUsageError 'set GRACE_ORCHESTRATOR_DATA_DIR or pass -DataDir to stop the supervisor'
    }
    & $launcher -DataDir $DataDir -Stop
    exit $LASTEXITCODE
}

if ($Unregister) {
    if (-not [string]::IsNullOrWhiteSpace($DataDir)) {
        & $launcher -DataDir $DataDir -Stop | Out-Null
    }
    $existing = Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue
    if ($null -eq $existing) {
        Write-Output "Task '$TaskName' is not registered; nothing to remove."
    }
    elseif ($PSCmdlet.ShouldProcess($TaskName, 'Unregister scheduled task')) {
        Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false
        Write-Output "Task '$TaskName' removed."
    }
    exit 0
}

if ([string]::IsNullOrWhiteSpace($DataDir)) {
    Stop-WithUsageError 'set GRACE_ORCHESTRATOR_DATA_DIR or pass -DataDir'
}
$dataDirFull = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($DataDir)
# A trailing backslash would escape the closing quote in the task's command line, so drop it;
# a drive root keeps its meaning as "C:\.".
$dataDirFull = $dataDirFull.TrimEnd('\')
if ($dataDirFull.EndsWith(':')) {
    $dataDirFull = $dataDirFull + '\.'
}

if (-not (Test-Path -LiteralPath $launcher -PathType Leaf)) {
    Stop-WithUsageError "the launcher $launcher is missing"
}
# Windows PowerShell 5.1 exists on every supported Windows; pwsh may not.
$powershellExe = Join-Path $env:SystemRoot 'System32\WindowsPowerShell\v1.0\powershell.exe'

# New-ScheduledTaskAction takes one argument string. Both values are full Windows paths, which
# cannot contain a double quote, so quoting each with "..." is exact.
$taskArguments = '-NoProfile -ExecutionPolicy Bypass -WindowStyle Hidden -File "{0}" -DataDir "{1}"' -f $launcher, $dataDirFull
$currentUser = [System.Security.Principal.WindowsIdentity]::GetCurrent().Name

$action = New-ScheduledTaskAction -Execute $powershellExe -Argument $taskArguments -WorkingDirectory $repoRoot
$trigger = New-ScheduledTaskTrigger -AtLogOn -User $currentUser
$principal = New-ScheduledTaskPrincipal -UserId $currentUser -LogonType Interactive -RunLevel Limited
$settings = New-ScheduledTaskSettingsSet `
    -RestartCount 999 `
    -RestartInterval (New-TimeSpan -Minutes 1) `
    -MultipleInstances IgnoreNew `
    -ExecutionTimeLimit ([TimeSpan]::Zero) `
    -Hidden `
    -StartWhenAvailable `
    -AllowStartIfOnBatteries `
    -DontStopIfGoingOnBatteries

if ($PSCmdlet.ShouldProcess($TaskName, 'Register scheduled task')) {
    $commandVariables = @{
        CodexResumeCommand = 'GRACE_CODEX_RESUME_COMMAND'
        CodexStartCommand  = 'GRACE_CODEX_START_COMMAND'
        WaitSeconds        = 'GRACE_HOST_CONTINUATION_WAIT_SECONDS'
    }
    foreach ($parameterName in $commandVariables.Keys) {
        if ($PSBoundParameters.ContainsKey($parameterName)) {
            # An empty value deletes the user variable (documented .NET behaviour).
            [Environment]::SetEnvironmentVariable($commandVariables[$parameterName], $PSBoundParameters[$parameterName], 'User')
        }
    }

    Register-ScheduledTask `
        -TaskName $TaskName `
        -Description 'GRACE host continuation supervisor: starts controller review when a worker event lands.' `
        -Action $action `
        -Trigger $trigger `
        -Principal $principal `
        -Settings $settings `
        -Force | Out-Null
    Write-Output "Task '$TaskName' registered for $currentUser (data dir: $dataDirFull)."
    Write-Output "Start it now with: Start-ScheduledTask -TaskName '$TaskName'"
    Write-Output "Stop it cleanly with: $PSCommandPath -Stop"
}
