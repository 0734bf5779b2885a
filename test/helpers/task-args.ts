/** The smallest valid `task.create_codex_task` arguments: scope `src/**`, every list empty. */
export function minimalTaskArgs(projectId: number, title = "t") {
  return {
    project_id: projectId,
    title,
    objective: "o",
    architecture_intent: "a",
    constraints: [],
    non_goals: [],
    acceptance_criteria: [],
    allowed_files: ["src/**"],
    forbidden_files: [],
  };
}
