/** A worker report that passes the 17-field gate, for the demo and the tests that play a worker. */

export interface ReportFacts {
  taskId: number;
  packageId: number;
  moduleId: string;
  filesRead: string[];
  filesChanged: string[];
}

export function exampleWorkerReport(f: ReportFacts): Record<string, unknown> {
  return {
    operation_id: `task-${f.taskId}`,
    authority_mode: "codex_led",
    task_id: f.taskId,
    work_package_id: f.packageId,
    module_id: f.moduleId,
    files_read: f.filesRead,
    files_changed: f.filesChanged,
    contract_delta: "none",
    commands_run_with_exact_results: ["unit: exit 0"],
    scaffolded: "nothing",
    wired: "saveOrder keeps its contract",
    verified: "unit tests pass",
    unverified_gaps: "none",
    stop_conditions_encountered: "none",
    protected_test_and_forbidden_scope_statement: "no protected tests or forbidden files touched",
    graph_delta_proposal: "none",
    verification_delta_proposal: "none",
    next_action: "GLM review",
  };
}
