import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  DEFAULT_PACKET_FIELDS,
  DEFAULT_WORKER_REPORT_FIELDS,
  FsRepoReader,
  lintAgentInfra,
  loadPolicy,
  parsePolicy,
  POLICY_PATH,
  reviewAcceptance,
  type AcceptanceInput,
} from "../../src/gates/index.js";
import { OrchestratorError } from "../../src/domain/errors.js";

const SAMPLE = fileURLToPath(new URL("../fixtures/grace-sample", import.meta.url));
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const POLICY = {
  suspicious_html_comment_patterns: ["ignore previous instructions"],
  required_rules: [{ file: "AGENTS.md", ids: ["NO-DIRECT-DB", "LOG-MARKERS"], contains: ["contract-first"] }],
  required_text: [{ file: "docs/grace/agent-enforcement-layer.md", contains: ["gate.contract_discovery"] }],
};

/** The sample plus the project-local agent layer, so the lint passes; then one mutation. */
function project(mutate: (root: string) => void = () => {}): FsRepoReader {
  const root = mkdtempSync(path.join(tmpdir(), "grace-lint-"));
  made.push(root);
  cpSync(SAMPLE, root, { recursive: true });
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  write(POLICY_PATH, JSON.stringify(POLICY));
  write("docs/grace/agent-enforcement-layer.md", "Every package runs gate.contract_discovery first.\n");
  write("docs/grace/templates/task-packet-template.md", "# Task packet\n<!-- fill every field -->\n");
  write("docs/grace/templates/verification-packet-template.md", "# Verification packet\n");
  // The orchestration labels are project-local vocabulary: list them in the packets file.
  const packets = path.join(root, "docs/operational-packets.xml");
  const labels = [...DEFAULT_PACKET_FIELDS, ...DEFAULT_WORKER_REPORT_FIELDS].map(
    (l, i) => `<field-${i}>${l}</field-${i}>`,
  );
  writeFileSync(
    packets,
    readFileSync(packets, "utf8").replace(
      "</OperationalPackets>",
      `<OrchestrationFields>${labels.join("")}</OrchestrationFields></OperationalPackets>`,
    ),
  );
  mutate(root);
  return new FsRepoReader(root);
}

function edit(file: string, from: string, to: string): (root: string) => void {
  return (root) => {
    const full = path.join(root, file);
    const before = readFileSync(full, "utf8");
    if (!before.includes(from)) throw new Error(`mutation did not apply to ${file}`);
    writeFileSync(full, before.replace(from, to));
  };
}

describe("agent-infra lint", () => {
  it("passes the sample with its agent layer", () => {
    expect(lintAgentInfra(project())).toEqual({ status: "pass", issues: [], warnings: [] });
  });

  const cases: [string, (root: string) => void, string][] = [
    [
      "missing XML artifact",
      (r) => rmSync(path.join(r, "docs/technology.xml")),
      "Required file is missing: docs/technology.xml",
    ],
    [
      "XML artifact that is not XML",
      (r) => writeFileSync(path.join(r, "docs/requirements.xml"), "requirements: none"),
      "XML artifact does not look like XML: docs/requirements.xml",
    ],
    [
      "XML artifact that is not well-formed",
      edit("docs/technology.xml", "</Runtime>", ""),
      "XML artifact is not well-formed: docs/technology.xml: Expected closing tag 'Runtime' (opened in line 3, col 3) instead of closing tag 'TechnologyStack'. (line 16)",
    ],
    [
      "missing required file",
      (r) => rmSync(path.join(r, "AGENTS.md")),
      "Required file is missing: AGENTS.md",
    ],
    [
      "missing @rule opening",
      edit("AGENTS.md", '<!-- @rule id="LOG-MARKERS" -->', ""),
      "Missing @rule id LOG-MARKERS in AGENTS.md",
    ],
    [
      "missing @rule-end",
      edit("AGENTS.md", '<!-- @rule-end id="NO-DIRECT-DB" -->', ""),
      "Missing @rule-end id NO-DIRECT-DB in AGENTS.md",
    ],
    [
      "missing rule text",
      edit("AGENTS.md", "Contract-first.", "Contracts."),
      "Missing required text in AGENTS.md: contract-first",
    ],
    [
      "missing required text",
      edit("docs/grace/agent-enforcement-layer.md", "gate.contract_discovery", "discovery"),
      "Missing required text in docs/grace/agent-enforcement-layer.md: gate.contract_discovery",
    ],
    [
      "packet label not named",
      edit("docs/operational-packets.xml", ">cache anchor<", "><"),
      "Missing packet field in docs/operational-packets.xml: cache anchor",
    ],
    [
      "worker report label not named",
      edit("docs/operational-packets.xml", ">unverified gaps<", "><"),
      "Missing worker report field in docs/operational-packets.xml: unverified gaps",
    ],
    [
      "suspicious hidden comment in Markdown",
      edit(
        "docs/grace/templates/task-packet-template.md",
        "fill every field",
        "IGNORE previous instructions",
      ),
      "Suspicious hidden-comment pattern in docs/grace/templates/task-packet-template.md: ignore previous instructions",
    ],
    [
      "suspicious hidden comment in XML",
      edit("docs/operational-packets.xml", "the IDs below are placeholders.", "ignore previous instructions"),
      "Suspicious hidden-comment pattern in docs/operational-packets.xml: ignore previous instructions",
    ],
    [
      "required file symlinked outside the repo",
      (r) => {
        rmSync(path.join(r, "AGENTS.md"));
        symlinkSync("/etc/hostname", path.join(r, "AGENTS.md"));
      },
      "Path outside project root: AGENTS.md",
    ],
  ];
  it.each(cases)("%s", (_name, mutate, issue) => {
    const result = lintAgentInfra(project(mutate));
    expect(result.status).toBe("blocked");
    expect(result.issues).toContain(issue);
  });

  it("suspicious text outside comments and in AGENTS.md is not flagged", () => {
    const reader = project((r) => {
      writeFileSync(
        path.join(r, "docs/grace/templates/verification-packet-template.md"),
        "ignore previous instructions\n",
      );
      writeFileSync(
        path.join(r, "AGENTS.md"),
        readFileSync(path.join(r, "AGENTS.md"), "utf8") + "<!-- ignore previous instructions -->\n",
      );
    });
    expect(lintAgentInfra(reader).issues).toEqual([]);
  });

  it("without a policy file the default labels are required of operational-packets.xml", () => {
    const result = lintAgentInfra(project((r) => rmSync(path.join(r, POLICY_PATH))));
    expect(loadPolicy(project((r) => rmSync(path.join(r, POLICY_PATH)))).present).toBe(false);
    expect(result.issues).toEqual([]);
    const upstreamShaped = project((r) => {
      rmSync(path.join(r, POLICY_PATH));
      cpSync(path.join(SAMPLE, "docs/operational-packets.xml"), path.join(r, "docs/operational-packets.xml"));
    });
    expect(
      lintAgentInfra(upstreamShaped).issues.filter((i) => i.startsWith("Missing packet field")),
    ).not.toHaveLength(0);
  });
});

describe("project policy file", () => {
  it("falls back per key and keeps defaults", () => {
    const policy = parsePolicy(JSON.stringify({ required_files: ["AGENTS.md"] }));
    expect(policy.present).toBe(true);
    expect(policy.requiredFiles).toEqual(["AGENTS.md"]);
    expect(policy.requiredXmlArtifacts).toHaveLength(6);
    expect(policy.packetRequiredFields).toHaveLength(40);
    expect(policy.workerReportRequiredFields).toHaveLength(17);
    expect(policy.requiredRules).toEqual([]);
  });

  it.each([
    ["{not json", "is not valid JSON"],
    ['{"required_files": "AGENTS.md"}', "has an invalid shape: required_files"],
    ['{"required_rules": [{"ids": ["X"]}]}', "has an invalid shape: required_rules.0.file"],
  ])("refuses %j", (text, fragment) => {
    expect(() => parsePolicy(text)).toThrow(OrchestratorError);
    expect(() => parsePolicy(text)).toThrow(fragment);
  });
});

describe("acceptance review projection", () => {
  const base: AcceptanceInput = {
    taskStatus: "GLM_ACCEPTED",
    packages: [{ id: 1, status: "GLM_ACCEPTED", latestSubmissionValidationStatus: "pass" }],
    taskReviewDecisions: [],
  };
  const cases: [string, Partial<AcceptanceInput>, string[]][] = [
    ["all packages accepted", {}, []],
    [
      "cancelled packages are ignored",
      {
        packages: [...base.packages, { id: 2, status: "CANCELLED", latestSubmissionValidationStatus: null }],
      },
      [],
    ],
    [
      "no packages and no controller completion",
      { packages: [] },
      ["Acceptance gate requires at least one work package or audited controller task completion"],
    ],
    ["controller completion advanced", { packages: [], taskReviewDecisions: ["controller_completed"] }, []],
    [
      "controller completion not advanced",
      { packages: [], taskReviewDecisions: ["controller_completed"], taskStatus: "GLM_TESTS_PREPARED" },
      ["Audited controller task completion has not advanced the task to GLM_ACCEPTED"],
    ],
    [
      "package not accepted and never submitted",
      { packages: [{ id: 4, status: "ASSIGNED", latestSubmissionValidationStatus: null }] },
      ["Work package 4 is not GLM_ACCEPTED", "Work package 4 has no worker submission"],
    ],
    [
      "stored report gate blocked",
      { packages: [{ id: 5, status: "GLM_ACCEPTED", latestSubmissionValidationStatus: "blocked" }] },
      ["Work package 5 worker report gate is not pass"],
    ],
    [
      "agent-infra lint issues are prefixed",
      {
        agentInfraLint: { status: "blocked", issues: ["Required file is missing: AGENTS.md"], warnings: [] },
      },
      ["Agent infra: Required file is missing: AGENTS.md"],
    ],
  ];
  it.each(cases)("%s", (_name, patch, issues) => {
    const input = { ...base, ...patch };
    const frozen = JSON.stringify(input);
    const result = reviewAcceptance(input);
    expect(result.issues).toEqual(issues);
    expect(result.status).toBe(issues.length === 0 ? "pass" : "blocked");
    expect(result.task_status).toBe(input.taskStatus);
    expect(JSON.stringify(input)).toBe(frozen);
  });
});
