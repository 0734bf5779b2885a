// The doctor's wake check under a Windows node.exe: koffi loads kernel32 and a named event makes
// the round trip through the data dir; a data dir whose signals/ cannot be created fails the check.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { wakeCheck } from "../../dist/src/doctor/live-checks.js";
import { rmrf, tempDataDir } from "./signal-helpers.mjs";

const ctx = {
  env: {},
  platform: process.platform,
  nodeVersion: process.versions.node,
  execPath: process.execPath,
  now: new Date(),
};

test("the doctor's wake check passes through named events", async (t) => {
  assert.equal(process.platform, "win32");
  const dataDir = tempDataDir("doctor");
  t.after(() => rmrf(dataDir));
  const result = await wakeCheck(dataDir, ctx);
  assert.equal(result.verdict, "ok", JSON.stringify(result));
  assert.match(result.title, /^round trip in \d+ ms$/);
  assert.deepEqual(result.facts, ["named events (koffi → kernel32)"]);
});

test("the doctor's wake check fails when signals/ cannot be created", async (t) => {
  const dataDir = tempDataDir("doctor-blocked");
  t.after(() => rmrf(dataDir));
  fs.writeFileSync(path.join(dataDir, "signals"), "not a folder");
  const result = await wakeCheck(dataDir, ctx);
  assert.equal(result.verdict, "fail", JSON.stringify(result));
});
