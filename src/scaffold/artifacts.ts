/**
 * The six GRACE 3 artifacts (docs/*.xml) for an existing repository, as text: one module per
 * top-level source folder, each with a verification entry, so contract discovery finds an M-* and
 * a V-M-* reference for any file under those folders. A starting point the team then edits: the
 * purposes and scenarios say so in words.
 */
import { ARTIFACT_PATHS } from "../gates/grace-artifacts.js";

export interface ScaffoldInput {
  projectName: string;
  /** Top-level folders holding source, relative names without slashes (e.g. "src", "lib"). */
  folders: readonly string[];
  /** The repository's own test command, if it has one (e.g. "npm test"). */
  testCommand: string | null;
}

const TODO = "Describe this in a sentence (written by grace-orchestrator-mcp scaffold).";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const xml = (text: string): string => text.replace(/[&<>"]/g, (c) => ESCAPES[c]!);

/** `src` → `M-SRC`, `web-app` → `M-WEB-APP`: the canonical id form contract discovery accepts. */
export function moduleId(folder: string): string {
  const core = folder
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `M-${core || "ROOT"}`;
}

const header = '<?xml version="1.0" encoding="UTF-8"?>';

function requirements(input: ScaffoldInput): string {
  return `${header}
<RequirementsAnalysis VERSION="0.1.0">
  <Project>
    <name>${xml(input.projectName)}</name>
    <annotation>${TODO}</annotation>
  </Project>
  <UseCases>
    <UC-001>
      <Actor>Developer</Actor>
      <Action>changes the code through GRACE work packages</Action>
      <Goal>every change is planned, reviewed and verified</Goal>
      <Priority>high</Priority>
    </UC-001>
  </UseCases>
</RequirementsAnalysis>
`;
}

function technology(input: ScaffoldInput): string {
  const testing = input.testCommand
    ? `  <Testing>\n    <module-level>\n      <command>${xml(input.testCommand)}</command>\n    </module-level>\n  </Testing>\n`
    : "";
  return `${header}\n<TechnologyStack VERSION="0.1.0">\n  <Runtime>${TODO}</Runtime>\n${testing}</TechnologyStack>\n`;
}

function developmentPlan(input: ScaffoldInput): string {
  const modules = input.folders.map((f) => {
    const id = moduleId(f);
    return `    <${id} NAME="${xml(f)}" TYPE="MODULE" STATUS="implemented">
      <contract>
        <purpose>${TODO}</purpose>
      </contract>
      <target>
        <source>${xml(f)}/</source>
      </target>
      <verification-ref>V-${id}</verification-ref>
    </${id}>`;
  });
  return `${header}\n<DevelopmentPlan VERSION="0.1.0">\n  <Modules>\n${modules.join("\n")}\n  </Modules>\n</DevelopmentPlan>\n`;
}

function verificationPlan(input: ScaffoldInput): string {
  const checks = input.testCommand
    ? `\n      <module-checks>\n        <command-1>${xml(input.testCommand)}</command-1>\n      </module-checks>`
    : "";
  const entries = input.folders.map((f) => {
    const id = moduleId(f);
    return `    <V-${id} MODULE="${id}" PRIORITY="medium">${checks}
      <scenarios>
        <scenario-1 kind="success">${TODO}</scenario-1>
      </scenarios>
    </V-${id}>`;
  });
  return `${header}\n<VerificationPlan VERSION="0.1.0">\n  <ModuleVerification>\n${entries.join("\n")}\n  </ModuleVerification>\n</VerificationPlan>\n`;
}

function knowledgeGraph(input: ScaffoldInput): string {
  const modules = input.folders.map((f) => {
    const id = moduleId(f);
    return `    <${id} NAME="${xml(f)}" STATUS="implemented">
      <path>${xml(f)}/</path>
      <verification-ref>V-${id}</verification-ref>
    </${id}>`;
  });
  return `${header}
<KnowledgeGraph>
  <Project NAME="${xml(input.projectName)}" VERSION="0.1.0">
${modules.join("\n")}
  </Project>
</KnowledgeGraph>
`;
}

function operationalPackets(): string {
  return `${header}
<OperationalPackets VERSION="0.1.0">
  <!-- Execution, graph-delta and failure packets are recorded here as work packages run. -->
</OperationalPackets>
`;
}

/** Repository-relative path → content, for all six artifacts. */
export function scaffoldArtifacts(input: ScaffoldInput): Map<string, string> {
  return new Map([
    [ARTIFACT_PATHS.requirements, requirements(input)],
    [ARTIFACT_PATHS.technology, technology(input)],
    [ARTIFACT_PATHS.developmentPlan, developmentPlan(input)],
    [ARTIFACT_PATHS.verificationPlan, verificationPlan(input)],
    [ARTIFACT_PATHS.knowledgeGraph, knowledgeGraph(input)],
    [ARTIFACT_PATHS.operationalPackets, operationalPackets()],
  ]);
}
