import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { mimoChildEnv } from "../../src/config/mimo-env.js";
import { launchPackage } from "../../src/service/mimo-launch.js";
import {
  addAgent,
  insertPackage,
  makeWorld,
  tellExit,
  waitForRecord,
  writeFakeMimoConfig,
  type World,
} from "../helpers/fake-mimo-world.js";

const worlds: World[] = [];
afterEach(() => {
  for (const w of worlds.splice(0)) w.close();
});

/** Secrets and identity a GLM server process may well have in its environment. */
const SECRETS = {
  OPENAI_API_KEY: "sk-openai-secret",
  ANTHROPIC_API_KEY: "sk-ant-secret",
  AWS_SECRET_ACCESS_KEY: "aws-secret",
  GITHUB_TOKEN: "ghp_secret",
  NPM_TOKEN: "npm-secret",
  GRACE_ORCHESTRATOR_ACTOR_NAME: "glm-1",
  GRACE_ORCHESTRATOR_ACTOR_ROLE: "glm",
  GRACE_ORCHESTRATOR_DATA_DIR: "/data",
  GRACE_ORCHESTRATOR_MIMO_COMMAND: "mimo",
};

describe("the Mimo child environment is an allowlist: never credentials", () => {
  test("only the allowlisted variables pass, in any case; secrets and identity do not", () => {
    const env = mimoChildEnv({
      ...SECRETS,
      NODE_OPTIONS: "--require /tmp/evil.js",
      PATH: "/usr/bin",
      Path: "C:\\Windows",
      HOME: "/home/u",
      SystemRoot: "C:\\Windows",
      LC_ALL: "C.UTF-8",
      LC_CTYPE: "C.UTF-8",
      http_proxy: "http://proxy:3128",
      HTTPS_PROXY: "http://proxy:3128",
      no_proxy: "localhost",
      XDG_CONFIG_HOME: "/home/u/.config",
      UNSET: undefined,
    });
    expect(env).toEqual({
      PATH: "/usr/bin",
      Path: "C:\\Windows",
      HOME: "/home/u",
      SystemRoot: "C:\\Windows",
      LC_ALL: "C.UTF-8",
      LC_CTYPE: "C.UTF-8",
      http_proxy: "http://proxy:3128",
      HTTPS_PROXY: "http://proxy:3128",
      no_proxy: "localhost",
      XDG_CONFIG_HOME: "/home/u/.config",
    });
  });

  test("GRACE_ORCHESTRATOR_MIMO_ENV_PASSTHROUGH adds the names it lists, and only names", () => {
    const env = mimoChildEnv({
      ...SECRETS,
      PATH: "/usr/bin",
      ZAI_API_KEY: "zai-key",
      MIMO_REGION: "eu",
      GRACE_ORCHESTRATOR_MIMO_ENV_PASSTHROUGH: " ZAI_API_KEY, MIMO_REGION ,,",
    });
    expect(env).toEqual({ PATH: "/usr/bin", ZAI_API_KEY: "zai-key", MIMO_REGION: "eu" });
    const refusals: [string, string][] = [
      [
        "ZAI_API_KEY=zai-key",
        `GRACE_ORCHESTRATOR_MIMO_ENV_PASSTHROUGH: "ZAI_API_KEY=zai-key" is not a variable name (letters, digits and '_', not starting with a digit; names only, never values)`,
      ],
      [
        "PATH,GRACE_ORCHESTRATOR_ACTOR_NAME",
        "GRACE_ORCHESTRATOR_MIMO_ENV_PASSTHROUGH: GRACE_ORCHESTRATOR_ACTOR_NAME is this server's own setting and never passes to a child",
      ],
      ["--flag", `GRACE_ORCHESTRATOR_MIMO_ENV_PASSTHROUGH: "--flag" is not a variable name`],
    ];
    for (const [setting, message] of refusals) {
      expect(() =>
        mimoChildEnv({ PATH: "/usr/bin", GRACE_ORCHESTRATOR_MIMO_ENV_PASSTHROUGH: setting }),
      ).toThrow(message);
    }
  });

  test("a launched Mimo sees PATH and HOME but none of the server's secrets or identity", async () => {
    const w = await makeWorld();
    worlds.push(w);
    addAgent(w, "junior", "worker_junior", { mimo_model: "xiaomi/mimo-v2.5" });
    const pkg = insertPackage(w, { status: "ASSIGNED", junior: "junior" });
    const xdg = writeFakeMimoConfig(path.join(w.root, "xdg"), { record_dir: w.records });
    const serverEnv = {
      ...SECRETS,
      PATH: process.env.PATH ?? "/usr/bin",
      HOME: w.root,
      XDG_CONFIG_HOME: xdg,
    };
    const runtime = { command: w.runtime.command, env: mimoChildEnv(serverEnv) };
    const s = await launchPackage(w.glm, runtime, { work_package_id: pkg, mode: "tui" });
    const rec = await waitForRecord(w.records, s.pid!);
    for (const key of Object.keys(SECRETS)) expect(rec.env_keys).not.toContain(key);
    expect(rec.env).toEqual({});
    expect(rec.path_env).toBe(serverEnv.PATH);
    expect(rec.home).toBe(w.root);
    tellExit(w.records, s.pid!);
  });
});
