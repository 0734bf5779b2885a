import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { execFile } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { argvHash, captureIdentity, checkLiveness, UNKNOWN } from "../../src/process/identity.js";
import { removeDir, tempDir } from "../helpers/git-repo.js";
import { REPO_ROOT } from "../helpers/mcp-client.js";
import { startIdleChild, stopChild } from "../helpers/process-child.js";
import { NOBODY, unreachableForNobody } from "../helpers/unprivileged.js";

const linux = process.platform === "linux";
const IDENTITY_MODULE = path.join(REPO_ROOT, "dist", "src", "process", "identity.js");
/** As root the probe drops to NOBODY, who must be able to reach this checkout's Node and build. */
const nobodyCannotRun =
  linux && process.getuid?.() === 0 ? unreachableForNobody(process.execPath, IDENTITY_MODULE) : false;
if (nobodyCannotRun) console.warn(`process-identity: the unprivileged probe is skipped: ${nobodyCannotRun}`);
const execFileAsync = promisify(execFile);
const dirs: string[] = [];
const children: Array<ReturnType<typeof startIdleChild>["child"]> = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map(stopChild));
  dirs.splice(0).forEach(removeDir);
});

function idle(executable?: string): ReturnType<typeof startIdleChild> {
  const started = startIdleChild(executable);
  children.push(started.child);
  return started;
}

describe.skipIf(!linux)("process identity on Linux (/proc)", () => {
  it("captures a live child and reports MATCH, then NOT_FOUND_OR_REUSED after it exits", async () => {
    const { child, argv } = idle();
    const pid = child.pid as number;
    const identity = await captureIdentity(pid, argv, "0123456789abcdef");
    expect(identity.pid).toBe(pid);
    expect(identity.os_start_time).toMatch(/^\d+@[0-9a-f-]{36}$/);
    expect(identity.executable_path).toBe(realpathSync(process.execPath));
    expect(identity.argv_hash).toBe(argvHash(argv));
    expect(identity.argv_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(identity.launch_nonce).toBe("0123456789abcdef");
    expect(await checkLiveness(identity)).toBe("MATCH");

    await stopChild(child);
    expect(await checkLiveness(identity)).toBe("NOT_FOUND_OR_REUSED");
  });

  it("derives the argv hash from /proc cmdline when none is given, and a random nonce", async () => {
    const { child, argv } = idle();
    const a = await captureIdentity(child.pid as number);
    const b = await captureIdentity(child.pid as number);
    expect(a.argv_hash).toBe(argvHash(argv));
    expect(a.launch_nonce).toMatch(/^[0-9a-f]{16}$/);
    expect(a.launch_nonce).not.toBe(b.launch_nonce);
    expect(a.os_start_time).toBe(b.os_start_time);
  });

  it("reports NOT_FOUND_OR_REUSED when the stored start time differs (pid reuse)", async () => {
    const { child } = idle();
    const identity = await captureIdentity(child.pid as number);
    const [ticks, boot] = identity.os_start_time.split("@");
    const reused = { pid: identity.pid, os_start_time: `${Number(ticks) - 1}@${boot}` };
    expect(await checkLiveness(reused)).toBe("NOT_FOUND_OR_REUSED");
    const otherBoot = { pid: identity.pid, os_start_time: `${ticks}@00000000-0000-0000-0000-000000000000` };
    expect(await checkLiveness(otherBoot)).toBe("NOT_FOUND_OR_REUSED");
  });

  it("reports UNKNOWN for a stored UNKNOWN start time of a live pid", async () => {
    const { child } = idle();
    expect(await checkLiveness({ pid: child.pid as number, os_start_time: UNKNOWN })).toBe("UNKNOWN");
  });

  it("parses a process whose name holds spaces and parentheses", async () => {
    const dir = tempDir("grace-proc-name-");
    dirs.push(dir);
    for (const name of ["a (b) c", "x) Z 1 (y"]) {
      const exe = path.join(dir, name);
      symlinkSync(process.execPath, exe);
      const { child } = idle(exe);
      const pid = child.pid as number;
      await waitForComm(pid, name);
      const identity = await captureIdentity(pid);
      expect(identity.os_start_time).not.toBe(UNKNOWN);
      expect(await checkLiveness(identity)).toBe("MATCH");
      await stopChild(child);
      expect(await checkLiveness(identity)).toBe("NOT_FOUND_OR_REUSED");
    }
  });
});

// The macOS backend is `ps -o stat= -o lstart= -o comm=`; procps on Linux accepts the same
// options, so the real code path (execFile, parsing, tri-state) runs here too.
const PS = "/usr/bin/ps";
describe.skipIf(process.platform === "win32" || !existsSync(PS))(
  "process identity through ps (macOS backend)",
  () => {
    const opts = { platform: "darwin" as const, psPath: PS };

    it("MATCH for a live child, NOT_FOUND_OR_REUSED after exit and for another start time", async () => {
      const { child, argv } = idle();
      const identity = await captureIdentity(child.pid as number, argv, undefined, opts);
      expect(identity.os_start_time).toMatch(/^\w{3} \w{3} \d{1,2} \d{2}:\d{2}:\d{2} \d{4}$/);
      expect(await checkLiveness(identity, opts)).toBe("MATCH");
      expect(await checkLiveness({ ...identity, os_start_time: "Thu Jan 1 00:00:00 1970" }, opts)).toBe(
        "NOT_FOUND_OR_REUSED",
      );
      await stopChild(child);
      expect(await checkLiveness(identity, opts)).toBe("NOT_FOUND_OR_REUSED");
    });

    it("UNKNOWN when ps itself cannot run", async () => {
      const { child } = idle();
      const broken = { platform: "darwin" as const, psPath: "/nonexistent/ps" };
      expect(await checkLiveness({ pid: child.pid as number, os_start_time: "x" }, broken)).toBe("UNKNOWN");
    });
  },
);

describe("process identity with a prepared proc root", () => {
  function procRoot(): string {
    const root = tempDir("grace-fake-proc-");
    dirs.push(root);
    mkdirSync(path.join(root, "sys/kernel/random"), { recursive: true });
    writeFileSync(path.join(root, "sys/kernel/random/boot_id"), "boot-1\n");
    return root;
  }
  function stat(root: string, pid: number, content: string): void {
    mkdirSync(path.join(root, String(pid)), { recursive: true });
    writeFileSync(path.join(root, String(pid), "stat"), content);
  }
  const line = (pid: number, state: string, start: string): string =>
    `${pid} (w (1)) ${state} ${Array.from({ length: 18 }, () => "0").join(" ")} ${start} 0 0\n`;
  const opts = (root: string) => ({ platform: "linux" as const, procRoot: root });

  it("MATCH, reused and missing", async () => {
    const root = procRoot();
    stat(root, 4242, line(4242, "S", "777"));
    const identity = await captureIdentity(4242, ["w"], undefined, opts(root));
    expect(identity.os_start_time).toBe("777@boot-1");
    expect(identity.executable_path).toBe(UNKNOWN); // no exe link in the prepared root
    expect(await checkLiveness(identity, opts(root))).toBe("MATCH");
    stat(root, 4242, line(4242, "S", "778"));
    expect(await checkLiveness(identity, opts(root))).toBe("NOT_FOUND_OR_REUSED");
    expect(await checkLiveness({ pid: 4343, os_start_time: "777@boot-1" }, opts(root))).toBe(
      "NOT_FOUND_OR_REUSED",
    );
  });

  it("treats a zombie as gone", async () => {
    const root = procRoot();
    stat(root, 5, line(5, "Z", "777"));
    expect(await checkLiveness({ pid: 5, os_start_time: "777@boot-1" }, opts(root))).toBe(
      "NOT_FOUND_OR_REUSED",
    );
  });

  it("UNKNOWN when the stat entry cannot be read or parsed; capture says UNKNOWN too", async () => {
    const root = procRoot();
    // A directory where the file should be: reading fails (EISDIR) even for root.
    mkdirSync(path.join(root, "7", "stat"), { recursive: true });
    expect(await checkLiveness({ pid: 7, os_start_time: "777@boot-1" }, opts(root))).toBe("UNKNOWN");
    const captured = await captureIdentity(7, undefined, undefined, opts(root));
    expect(captured.os_start_time).toBe(UNKNOWN);
    expect(captured.argv_hash).toBe(UNKNOWN);
    expect(await checkLiveness(captured, opts(root))).toBe("UNKNOWN");

    stat(root, 8, "garbage");
    expect(await checkLiveness({ pid: 8, os_start_time: "777@boot-1" }, opts(root))).toBe("UNKNOWN");
  });

  it.runIf(linux && !nobodyCannotRun)(
    "UNKNOWN when stat is not readable (mode 000), probed by an unprivileged process",
    async () => {
      const root = procRoot();
      stat(root, 9, line(9, "S", "777"));
      chmodSync(path.join(root, "9", "stat"), 0o000);
      chmodSync(root, 0o755); // mkdtemp makes it 0700: the unprivileged prober must get to stat itself
      const answer = await probeAsUnprivileged(root, 9);
      // The read really failed for the prober (root would have read it), and that is not "gone".
      expect(answer).toEqual({ read: "EACCES", liveness: "UNKNOWN" });
    },
  );

  it("refuses an invalid pid", async () => {
    await expect(checkLiveness({ pid: 0, os_start_time: "1" })).rejects.toThrow("Invalid process id: 0");
    await expect(captureIdentity(-1)).rejects.toThrow("Invalid process id: -1");
  });
});

/**
 * Runs checkLiveness (the built module) in a child that cannot bypass file modes: as root (CI is),
 * the child drops to uid/gid nobody; otherwise it already runs as an ordinary user.
 */
async function probeAsUnprivileged(root: string, pid: number): Promise<{ read: string; liveness: string }> {
  if (!existsSync(IDENTITY_MODULE)) throw new Error(`${IDENTITY_MODULE} is missing: run npm run build first`);
  const script = `
    import { readFileSync } from "node:fs";
    const { checkLiveness } = await import(${JSON.stringify(pathToFileURL(IDENTITY_MODULE).href)});
    const [root, pid] = [process.argv[1], Number(process.argv[2])];
    let read = "readable";
    try { readFileSync(root + "/" + pid + "/stat"); } catch (error) { read = error.code; }
    const liveness = await checkLiveness({ pid, os_start_time: "777@boot-1" }, { platform: "linux", procRoot: root });
    process.stdout.write(JSON.stringify({ read, liveness }));`;
  const drop = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
  const { stdout } = await execFileAsync(
    process.execPath,
    ["--input-type=module", "-e", script, root, String(pid)],
    { ...drop, timeout: 20_000 },
  );
  return JSON.parse(stdout) as { read: string; liveness: string };
}

/** After spawn the child briefly still shows the parent's name until execve completes. */
async function waitForComm(pid: number, name: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    if (comm === name.slice(0, 15)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`process ${pid} never showed the name ${name}`);
}
