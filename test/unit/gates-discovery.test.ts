import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  DISCOVERY_MESSAGES,
  discoverContracts,
  FsRepoReader,
  validateContractDiscoveryReport,
} from "../../src/gates/index.js";

const SAMPLE = fileURLToPath(new URL("../fixtures/grace-sample", import.meta.url));
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh copy of the sample with one mutation applied (the "broken variant"). */
function variant(mutate: (root: string) => void = () => {}): FsRepoReader {
  const root = mkdtempSync(path.join(tmpdir(), "grace-variant-"));
  made.push(root);
  cpSync(SAMPLE, root, { recursive: true });
  mutate(root);
  return new FsRepoReader(root);
}

function edit(file: string, from: string | RegExp, to: string): (root: string) => void {
  return (root) => {
    const full = path.join(root, file);
    const before = readFileSync(full, "utf8");
    const after = before.replace(from, to);
    if (after === before) throw new Error(`mutation did not apply to ${file}: ${String(from)}`);
    writeFileSync(full, after);
  };
}

const remove =
  (file: string) =>
  (root: string): void =>
    rmSync(path.join(root, file), { recursive: true });

const sample = variant();

describe("contract discovery on the sample project", () => {
  it("returns only the module that owns the affected file, not the whole plan or placeholders", () => {
    const r = discoverContracts(sample, ["src/orderdesk/store.ts"]);
    expect(r.issues).toEqual([]);
    expect(r.status).toBe("pass");
    expect(r.layout).toBe("grace3");
    expect(r.module_refs).toEqual(["M-ORDER-STORE"]);
    expect(r.verification_refs).toEqual(["V-M-ORDER-STORE"]);
    expect(r.local_contract_files).toEqual(["src/orderdesk/store.ts"]);
    expect(r.contracts_read).toEqual([
      "docs/development-plan.xml",
      "docs/knowledge-graph.xml",
      "docs/operational-packets.xml",
      "docs/requirements.xml",
      "docs/technology.xml",
      "docs/verification-plan.xml",
      "src/orderdesk/store.ts",
    ]);
    expect(r.rule_refs).toEqual(["LOG-MARKERS", "NO-DIRECT-DB"]);
    expect(r.missing_contracts).toEqual([]);
    expect(r.conflicts).toEqual([]);
    expect(r.source_precedence).toHaveLength(9);
    expect(r.affected_files).toEqual(["src/orderdesk/store.ts"]);
  });

  const scopes: [string[], string[], string[]][] = [
    [["src/orderdesk/**"], ["M-ORDER-API", "M-ORDER-STORE"], ["V-M-ORDER-API", "V-M-ORDER-STORE"]],
    [["src/orderdesk/*.ts"], ["M-ORDER-API", "M-ORDER-STORE"], ["V-M-ORDER-API", "V-M-ORDER-STORE"]],
    [["src/config/settings.py"], ["M-CONFIG"], ["V-M-CONFIG"]],
    [["src\\orderdesk\\api.ts"], ["M-ORDER-API"], ["V-M-ORDER-API"]],
    [["tests/orderdesk/store.test.ts"], ["M-ORDER-STORE"], ["V-M-ORDER-STORE"]],
    [["tests/config/test_settings.py"], ["M-CONFIG"], ["V-M-CONFIG"]],
    [
      ["src/**"],
      ["M-CONFIG", "M-ORDER-API", "M-ORDER-STORE"],
      ["V-M-CONFIG", "V-M-ORDER-API", "V-M-ORDER-STORE"],
    ],
  ];
  it.each(scopes)("scope %j → %j", (scope, modules, verifications) => {
    const r = discoverContracts(sample, scope);
    expect(r.issues).toEqual([]);
    expect(r.module_refs).toEqual(modules);
    expect(r.verification_refs).toEqual(verifications);
  });

  it("an unrelated file is blocked instead of passing on placeholder ids", () => {
    const r = discoverContracts(sample, ["scripts/deploy.sh"]);
    expect(r.status).toBe("blocked");
    expect(r.issues).toEqual([DISCOVERY_MESSAGES.noModule, DISCOVERY_MESSAGES.noVerification]);
    expect(r.module_refs).toEqual([]);
    expect(r.missing_contracts).toEqual(r.issues);
  });

  it("rule refs follow the scope: module-specific rules only where they apply", () => {
    expect(discoverContracts(sample, ["src/config/settings.py"]).rule_refs).toEqual([
      "CONFIG-SECRETS",
      "LOG-MARKERS",
    ]);
  });

  it("an empty scope is refused", () => {
    expect(discoverContracts(sample, ["", "  "]).issues).toEqual([DISCOVERY_MESSAGES.emptyScope]);
  });

  it("its own result passes the discovery-report validator", () => {
    expect(
      validateContractDiscoveryReport(discoverContracts(sample, ["src/orderdesk/api.ts"])).issues,
    ).toEqual([]);
  });
});

interface BrokenCase {
  rule: string;
  mutate: (root: string) => void;
  scope: string[];
  issue: string;
  conflict?: boolean;
}

const broken: BrokenCase[] = [
  {
    rule: "required artifact missing",
    mutate: remove("docs/technology.xml"),
    scope: ["src/orderdesk/store.ts"],
    issue: "Required file is missing: docs/technology.xml",
  },
  {
    rule: "XML not well-formed",
    mutate: edit("docs/verification-plan.xml", "</V-M-CONFIG>", ""),
    scope: ["src/orderdesk/store.ts"],
    issue:
      "XML artifact is not well-formed: docs/verification-plan.xml: Expected closing tag 'V-M-CONFIG' (opened in line 46, col 5) instead of closing tag 'ModuleVerification'. (line 57)",
  },
  {
    rule: "wrong root element",
    mutate: edit("docs/development-plan.xml", /DevelopmentPlan/g, "Plan"),
    scope: ["src/orderdesk/store.ts"],
    issue:
      "XML artifact has unexpected root element: docs/development-plan.xml: expected DevelopmentPlan, found Plan",
  },
  {
    rule: "module in plan but not in graph",
    mutate: edit("docs/knowledge-graph.xml", /<M-ORDER-STORE [\s\S]*<\/M-ORDER-STORE>/, ""),
    scope: ["src/orderdesk/store.ts"],
    issue: "Module M-ORDER-STORE is in docs/development-plan.xml but not in docs/knowledge-graph.xml",
    conflict: true,
  },
  {
    rule: "module in graph but not in plan",
    mutate: edit("docs/development-plan.xml", /<M-ORDER-STORE [\s\S]*<\/M-ORDER-STORE>/, ""),
    scope: ["src/orderdesk/store.ts"],
    issue: "Module M-ORDER-STORE is in docs/knowledge-graph.xml but not in docs/development-plan.xml",
    conflict: true,
  },
  {
    rule: "dangling verification-ref",
    mutate: edit("docs/verification-plan.xml", /<V-M-ORDER-STORE [\s\S]*<\/V-M-ORDER-STORE>/, ""),
    scope: ["src/orderdesk/store.ts"],
    issue:
      "Module M-ORDER-STORE references V-M-ORDER-STORE, which has no entry in docs/verification-plan.xml",
  },
  {
    rule: "verification entry names another module",
    mutate: edit("docs/verification-plan.xml", 'MODULE="M-ORDER-STORE"', 'MODULE="M-ORDER-API"'),
    scope: ["src/orderdesk/store.ts"],
    issue: "Verification entry V-M-ORDER-STORE names module M-ORDER-API, not M-ORDER-STORE",
    conflict: true,
  },
  {
    rule: "incomplete module contract",
    mutate: edit("src/orderdesk/store.ts", "//   LINKS: M-ORDER-STORE, V-M-ORDER-STORE, fn-saveOrder\n", ""),
    scope: ["src/orderdesk/store.ts"],
    issue: "Module contract in src/orderdesk/store.ts is missing required field: LINKS",
  },
  {
    rule: "empty module contract field",
    mutate: edit("src/orderdesk/api.ts", "//   SCOPE: submitOrder", "//   SCOPE:"),
    scope: ["src/orderdesk/api.ts"],
    issue: "Module contract in src/orderdesk/api.ts is missing required field: SCOPE",
  },
  {
    rule: "unclosed module contract",
    mutate: edit("src/orderdesk/store.ts", "// END_MODULE_CONTRACT\n", ""),
    scope: ["src/orderdesk/store.ts"],
    issue: "Module contract in src/orderdesk/store.ts has no END_MODULE_CONTRACT",
  },
  {
    rule: "unclosed function contract",
    mutate: edit("src/orderdesk/store.ts", "// END_CONTRACT: saveOrder\n", ""),
    scope: ["src/orderdesk/store.ts"],
    issue: "Contract saveOrder in src/orderdesk/store.ts has no matching END_CONTRACT: saveOrder",
  },
  {
    rule: "governed file without module contract",
    mutate: edit("src/orderdesk/store.ts", /\/\/ START_MODULE_CONTRACT[\s\S]*\/\/ END_MODULE_CONTRACT\n/, ""),
    scope: ["src/orderdesk/store.ts"],
    issue: "Governed file src/orderdesk/store.ts has no MODULE_CONTRACT",
  },
  {
    rule: "linked verification without entry",
    mutate: edit(
      "src/orderdesk/api.ts",
      "LINKS: M-ORDER-API, V-M-ORDER-API",
      "LINKS: M-ORDER-API, V-M-ORDER-API, V-M-GHOST",
    ),
    scope: ["src/orderdesk/api.ts"],
    issue: "Linked verification V-M-GHOST has no entry in docs/verification-plan.xml",
  },
  {
    rule: "GRACE 4 layout",
    mutate: (root) => mkdirSync(path.join(root, ".grace/context"), { recursive: true }),
    scope: ["src/orderdesk/store.ts"],
    issue: DISCOVERY_MESSAGES.grace4,
  },
  {
    rule: "symlink leaving the repository",
    mutate: (root) => symlinkSync(path.join(tmpdir()), path.join(root, "src/orderdesk/leak")),
    scope: ["src/orderdesk/leak"],
    issue: "Path outside project root: src/orderdesk/leak",
  },
  {
    rule: "glob under a symlinked directory leaving the repository",
    mutate: (root) => symlinkSync(path.join(tmpdir()), path.join(root, "src/outside")),
    scope: ["src/outside/**"],
    issue: "Path outside project root: src/outside",
  },
  {
    rule: "affected path not project-relative",
    mutate: () => {},
    scope: ["../outside.ts"],
    issue: "Affected path is not project-relative: ../outside.ts",
  },
  {
    rule: "a V-M-X token is not an M-X ref",
    mutate: (root) =>
      writeFileSync(
        path.join(root, "scripts/check.ts"),
        [
          "// START_MODULE_CONTRACT",
          "//   PURPOSE: p",
          "//   SCOPE: s",
          "//   DEPENDS: none",
          "//   LINKS: V-M-CONFIG",
          "// END_MODULE_CONTRACT",
          "",
        ].join("\n"),
      ),
    scope: ["scripts/check.ts"],
    issue: DISCOVERY_MESSAGES.noModule,
  },
];

describe("contract discovery on broken variants", () => {
  it.each(broken)("$rule", ({ mutate, scope, issue, conflict }) => {
    const r = discoverContracts(variant(mutate), scope);
    expect(r.status).toBe("blocked");
    expect(r.issues).toContain(issue);
    if (conflict) expect(r.conflicts).toContain(issue);
  });

  it("GRACE 4 detection reports the layout and stops", () => {
    const r = discoverContracts(
      variant((root) => mkdirSync(path.join(root, ".grace"))),
      ["src/orderdesk/store.ts"],
    );
    expect(r.layout).toBe("grace4");
    expect(r.issues).toEqual([DISCOVERY_MESSAGES.grace4]);
  });

  it("a V-M token alone yields no module ref", () => {
    const r = discoverContracts(variant(broken.at(-1)?.mutate), ["scripts/check.ts"]);
    expect(r.module_refs).toEqual([]);
    expect(r.local_contract_files).toEqual(["scripts/check.ts"]);
  });

  it("warns about undeclared modules and space-separated LINKS without using them", () => {
    const r = discoverContracts(
      variant(
        edit(
          "src/orderdesk/api.ts",
          "LINKS: M-ORDER-API, V-M-ORDER-API",
          "LINKS: M-ORDER-API V-M-ORDER-API, M-GHOST",
        ),
      ),
      ["src/orderdesk/api.ts"],
    );
    expect(r.warnings).toContain(
      "LINKS item in src/orderdesk/api.ts is not an exact comma-separated anchor: M-ORDER-API V-M-ORDER-API",
    );
    expect(r.warnings).toContain(
      "src/orderdesk/api.ts links M-GHOST, which is not declared in the development plan or knowledge graph",
    );
    expect(r.module_refs).toEqual(["M-ORDER-API"]);
  });

  it("a custom policy changes the required artifacts", () => {
    const reader = variant((root) => {
      rmSync(path.join(root, "docs/requirements.xml"));
      mkdirSync(path.join(root, ".agent-guards"));
      writeFileSync(
        path.join(root, ".agent-guards/agent-infra-policy.json"),
        JSON.stringify({
          required_xml_artifacts: [
            "docs/development-plan.xml",
            "docs/knowledge-graph.xml",
            "docs/verification-plan.xml",
          ],
        }),
      );
    });
    expect(discoverContracts(reader, ["src/orderdesk/store.ts"]).issues).toEqual([]);
  });
});

describe("FsRepoReader confinement", () => {
  const reader = variant((root) => {
    symlinkSync("/etc/hostname", path.join(root, "src/escape.txt"));
    symlinkSync("orderdesk/api.ts", path.join(root, "src/inside.ts"));
    mkdirSync(path.join(root, "node_modules/pkg"), { recursive: true });
    writeFileSync(path.join(root, "node_modules/pkg/index.ts"), "x");
  });

  it("refuses a symlink that resolves outside the repository", () => {
    expect(() => reader.readText("src/escape.txt")).toThrow("Path outside project root: src/escape.txt");
  });

  it("follows a symlink that stays inside", () => {
    expect(reader.readText("src/inside.ts")).toContain("submitOrder");
  });

  it.each(["../x", "/etc/hostname", "C:\\x", "src/../../x"])("refuses %j", (p) => {
    expect(() => reader.readText(p)).toThrow("Path outside project root");
  });

  it("returns null for missing files", () => {
    expect(reader.readText("src/nope.ts")).toBeNull();
    expect(reader.exists("src/nope.ts")).toBe(false);
  });

  it("lists globs and directories, skipping ignored dirs and escaping links", () => {
    expect(reader.list("src/**/*.ts")).toEqual([
      "src/inside.ts",
      "src/orderdesk/api.ts",
      "src/orderdesk/store.ts",
    ]);
    expect(reader.list("src")).toEqual([
      "src/config/settings.py",
      "src/inside.ts",
      "src/orderdesk/api.ts",
      "src/orderdesk/store.ts",
    ]);
    expect(reader.list("**/index.ts")).toEqual([]);
    expect(reader.list("docs/*.xml")).toHaveLength(6);
  });
});
