/**
 * Child process of bench/signal-wake.ts (run compiled). Modes:
 *   waiter <dataDir> <channel>   subscribe once; per {arm:k}: wait(5 s), report {k, outcome, at}
 *   poller <file>                re-read <file> every 500 ms; report {k, at} when it changes to k
 * `at` is process.hrtime.bigint(): CLOCK_MONOTONIC on Linux and QueryPerformanceCounter on
 * Windows/Wine, so it is comparable with the parent's clock on the same machine.
 */
import fs from "node:fs";
import { openNamedSignal } from "../src/signal/named-signal.js";

const [mode, a1 = "", a2 = ""] = process.argv.slice(2);
const now = (): string => process.hrtime.bigint().toString();

if (mode === "waiter") {
  const signal = openNamedSignal(a1);
  const w = signal.subscribe(a2);
  process.on("message", (msg: { arm?: number; stop?: boolean }) => {
    if (msg.stop) {
      w.close();
      process.disconnect();
      return;
    }
    const k = msg.arm;
    void w.wait(5_000).then((outcome) => process.send?.({ k, outcome, at: now() }));
    process.send?.({ armed: k });
  });
  process.send?.({ up: true });
} else if (mode === "poller") {
  let last = "";
  const timer = setInterval(() => {
    let text: string;
    try {
      text = fs.readFileSync(a1, "utf8");
    } catch {
      return;
    }
    if (text !== last && text !== "") {
      last = text;
      process.send?.({ k: Number(text), at: now() });
    }
  }, 500);
  process.on("message", (msg: { stop?: boolean }) => {
    if (msg.stop) {
      clearInterval(timer);
      process.disconnect();
    }
  });
  process.send?.({ up: true });
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
