import { describe, expect, test } from "vitest";
import {
  startedVerdict,
  type StartedFacts,
  type StartedVerdict,
} from "../../src/continuation/started-verdict.js";

const CLAIMERS = ["MATCH", "NOT_FOUND_OR_REUSED", "UNKNOWN", "SELF"] as const;
const GATES = ["MATCH", "NOT_FOUND_OR_REUSED", "UNKNOWN"] as const;
const BOOLS = [true, false] as const;

type Cell<T> = T | "*";
/** lease expired, launch confirmed, claimer, gate, pending mark there, attempts left → verdict. */
type Row = [
  Cell<boolean>,
  Cell<boolean>,
  Cell<StartedFacts["claimer"]>,
  Cell<StartedFacts["gate"]>,
  Cell<boolean>,
  Cell<boolean>,
  StartedVerdict,
];
type Rule = { [K in keyof StartedFacts]: Cell<StartedFacts[K]> } & { verdict: StartedVerdict };

const DEAD = "NOT_FOUND_OR_REUSED";

// The decision written out by hand, independently of the source: "*" matches anything. Every
// combination of facts must match exactly one rule.
const ROWS: Row[] = [
  // Inside the ACK lease a confirmed launch waits, whoever is alive: its controller may still ACK.
  [false, true, "*", "*", "*", "*", "wait"],
  // An unconfirmed launch waits unless its supervisor AND its gate are both confirmed gone and
  // the gate never took the spec (its pending mark is still there).
  [false, false, "MATCH", "*", "*", "*", "wait"],
  [false, false, "UNKNOWN", "*", "*", "*", "wait"],
  [false, false, "SELF", "*", "*", "*", "wait"],
  [false, false, DEAD, "MATCH", "*", "*", "wait"],
  [false, false, DEAD, "UNKNOWN", "*", "*", "wait"],
  [false, false, DEAD, DEAD, false, "*", "wait"],
  [false, false, DEAD, DEAD, true, true, "retry_launch_lost"],
  [false, false, DEAD, DEAD, true, false, "dead_letter_launch_lost"],
  // At lease expiry only the gate counts, confirmed or not, as before launches were confirmed.
  [true, "*", "*", "MATCH", "*", "*", "extend"],
  [true, "*", "*", "UNKNOWN", "*", "*", "extend_uncertain"],
  [true, "*", "*", DEAD, "*", true, "retry_unacked"],
  [true, "*", "*", DEAD, "*", false, "dead_letter_unacked"],
];
const RULES: Rule[] = ROWS.map(
  ([leaseExpired, launchConfirmed, claimer, gate, launchPending, attemptsLeft, verdict]) => ({
    leaseExpired,
    launchConfirmed,
    claimer,
    gate,
    launchPending,
    attemptsLeft,
    verdict,
  }),
);

const matches = (r: Rule, f: StartedFacts) =>
  (Object.keys(f) as (keyof StartedFacts)[]).every((k) => r[k] === "*" || r[k] === f[k]);

const ALL: StartedFacts[] = BOOLS.flatMap((leaseExpired) =>
  BOOLS.flatMap((launchConfirmed) =>
    CLAIMERS.flatMap((claimer) =>
      GATES.flatMap((gate) =>
        BOOLS.flatMap((launchPending) =>
          BOOLS.map((attemptsLeft) => ({
            leaseExpired,
            launchConfirmed,
            claimer,
            gate,
            launchPending,
            attemptsLeft,
          })),
        ),
      ),
    ),
  ),
);

describe("what lease recovery does with a CONTROLLER_STARTED delivery", () => {
  test("the table covers all 192 combinations of facts, each by exactly one rule", () => {
    expect(ALL).toHaveLength(192);
    for (const f of ALL)
      expect(
        RULES.filter((r) => matches(r, f)),
        JSON.stringify(f),
      ).toHaveLength(1);
  });

  test.each(ALL.map((f) => [JSON.stringify(f), f] as const))("%s", (_, f) => {
    expect(startedVerdict(f)).toBe(RULES.find((r) => matches(r, f))!.verdict);
  });
});
