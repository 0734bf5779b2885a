import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../config/logger.js";
import type { ContinuationSettings } from "../config/continuation.js";
import { projectAndLog } from "../handoff/publisher.js";
import { LEDGER_FILE, openLedger, type Db } from "../ledger/database.js";
import { LedgerRefusedError } from "../ledger/identity.js";
import { captureIdentity, checkLiveness } from "../process/identity.js";
import { openNamedSignal, type NamedSignal } from "../signal/named-signal.js";
import { CursorCache } from "./cursor.js";
import { nextDueAt } from "../ledger/tables/continuation-deliveries.js";
import type { Claimer } from "./deliveries.js";
import { supervisorState, writeHeartbeat } from "./heartbeat.js";
import { GatePool } from "./launch-gate.js";
import type { LivenessProbe } from "./lease-recovery.js";
import { DEFAULT_LIMITS, MIN_POLL_SECONDS, type DeliveryLimits } from "./limits.js";
import { hostPaths } from "./paths.js";
import { scanOnce, type ScanEnv, type ScanSummary } from "./scan.js";

export interface SupervisorOptions {
  settings: ContinuationSettings;
  pollIntervalSeconds: number;
  clock?: () => Date;
  limits?: DeliveryLimits;
  probe?: LivenessProbe;
  logger?: Logger;
  /** Keep a launch gate warm (the long-running loop does; a single scan need not). */
  warmGate?: boolean;
  beforeCommit?: ScanEnv["beforeCommit"];
  afterCommit?: ScanEnv["afterCommit"];
  /** How long a released launch gate may take to report (tests make it tiny). */
  reportTimeoutMs?: number;
}

/** How soon a scan looks again while committed events could not be written to their files. */
const PROJECTION_RETRY_MS = 250;

/** A supervisor bound to one data dir: scan() runs one scan; run() loops until aborted. */
export class Supervisor {
  private db: Db | null = null;
  private projectionBehind = false;
  private self: Claimer | null = null;
  private readonly gates: GatePool;
  private readonly cursorCache = new CursorCache();
  private readonly clock: () => Date;
  constructor(private readonly opts: SupervisorOptions) {
    this.clock = opts.clock ?? (() => new Date());
    this.gates = new GatePool(opts.warmGate ?? false);
  }

  get dataDir(): string {
    return this.opts.settings.dataDir;
  }

  private async identity(): Promise<Claimer> {
    if (!this.self) {
      const id = await captureIdentity(process.pid);
      this.self = { pid: process.pid, startedAtOs: id.os_start_time };
    }
    return this.self;
  }

  private async env(): Promise<ScanEnv> {
    const s = this.opts.settings;
    return {
      db: this.db,
      paths: hostPaths(s.dataDir),
      clock: this.clock,
      limits: this.opts.limits ?? DEFAULT_LIMITS,
      self: await this.identity(),
      probe: this.opts.probe ?? ((identity) => checkLiveness(identity)),
      resumeCommand: s.resumeCommand,
      startCommand: s.startCommand,
      waitSeconds: s.waitSeconds,
      baseEnv: s.controllerBaseEnv,
      programSearch: s.programSearch,
      controllerWindow: s.controllerWindow,
      controllerToolNames: s.controllerToolNames,
      ...(this.opts.reportTimeoutMs !== undefined ? { reportTimeoutMs: this.opts.reportTimeoutMs } : {}),
      takeGate: () => this.gates.take(),
      cursorCache: this.cursorCache,
      ...(this.opts.beforeCommit ? { beforeCommit: this.opts.beforeCommit } : {}),
      ...(this.opts.afterCommit ? { afterCommit: this.opts.afterCommit } : {}),
    };
  }

  async scan(): Promise<ScanSummary> {
    this.catchUpProjection();
    const { summary, db } = await scanOnce(await this.env());
    this.db ??= db;
    this.logDecisions(summary);
    return summary;
  }

  /** One info line per decision a scan made, so a hidden supervisor's log tells what it did and why. */
  private logDecisions(summary: ScanSummary): void {
    const log = this.opts.logger;
    if (!log) return;
    if (summary.enqueued_count > 0) log.info("scan enqueued deliveries", { count: summary.enqueued_count });
    for (const r of summary.recovered) log.info("lease recovered", { ...r });
    for (const r of summary.delivery_results) log.info(`delivery ${r.status}`, { ...r });
  }

  /**
   * A single scan (`--once`) leaves its beat as well, so grace-status and doctor say a supervisor
   * ran here and is gone rather than that none ever started; the beat of a supervisor that is
   * alive is left alone (its own loop would only rewrite it at its next turn). A data dir without
   * a ledger has nothing to report on and stays as it was.
   */
  async beatUnlessOneIsAlive(): Promise<void> {
    if (!fs.existsSync(path.join(this.dataDir, LEDGER_FILE))) return;
    if ((await supervisorState(this.dataDir, this.clock())).state !== "alive") await this.beat();
  }

  private async beat(): Promise<void> {
    const self = await this.identity();
    try {
      writeHeartbeat(this.dataDir, {
        pid: self.pid,
        os_start_time: self.startedAtOs,
        at: this.clock().toISOString(),
        poll_interval_seconds: Math.max(MIN_POLL_SECONDS, this.opts.pollIntervalSeconds),
      });
    } catch (error) {
      this.opts.logger?.warn("could not write the heartbeat", { error: String(error) });
    }
  }

  /**
   * Before reading the files, copies into them every committed event a server has not projected
   * (it died first, or its write failed): the files are what a scan reads. With nothing pending
   * this is one index probe. While it keeps failing, the loop looks again soon (sleepMs).
   */
  private catchUpProjection(): void {
    if (this.db === null && fs.existsSync(path.join(this.dataDir, LEDGER_FILE))) {
      this.db = openLedger(this.dataDir);
    }
    if (this.db === null) return;
    const result = projectAndLog(this.db, this.dataDir, this.opts.logger, { onlyIfBehind: true });
    this.projectionBehind = result === null || result.failed.length > 0;
  }

  /** Milliseconds until the next retry or lease expiry, capped by the poll interval. */
  private sleepMs(): number {
    const poll = Math.min(
      Math.max(MIN_POLL_SECONDS, this.opts.pollIntervalSeconds) * 1000,
      this.projectionBehind ? PROJECTION_RETRY_MS : Infinity,
    );
    const due = this.db ? nextDueAt(this.db) : null;
    if (due === null) return poll;
    return Math.min(poll, Math.max(10, Date.parse(due) - this.clock().getTime() + 5));
  }

  /**
   * The loop: subscribe to `runs` BEFORE scanning, so an event committed during a scan leaves a
   * latched wake and the next wait returns at once (no lost wake-up); the poll is the fallback.
   */
  async run(abort: AbortSignal, onScan?: (summary: ScanSummary) => void): Promise<void> {
    const log = this.opts.logger;
    while (!abort.aborted && !fs.existsSync(this.dataDir)) {
      log?.warn("data dir does not exist yet; waiting for it", { data_dir: this.dataDir });
      await new Promise((r) =>
        setTimeout(r, Math.max(MIN_POLL_SECONDS, this.opts.pollIntervalSeconds) * 1000),
      );
    }
    if (abort.aborted) return;
    const signal: NamedSignal = openNamedSignal(this.dataDir);
    const waiter = signal.subscribe("runs");
    try {
      while (!abort.aborted) {
        let summary: ScanSummary | null = null;
        try {
          await this.beat();
          summary = await this.scan();
          onScan?.(summary);
        } catch (error) {
          // A ledger that is not ours stays so: retrying would only repeat the refusal.
          if (error instanceof LedgerRefusedError) throw error;
          log?.error("scan failed; retrying after the poll interval", { error: String(error) });
        }
        // Locked runs or a full batch: look again soon, without busy-looping on a peer's lock.
        const ms = summary?.more ? 50 : this.sleepMs();
        await waiter.wait(ms, abort);
      }
    } finally {
      waiter.close();
      signal.close();
    }
  }

  close(): void {
    this.gates.close();
    this.db?.close();
    this.db = null;
  }
}
