import { describe, expect, it } from "vitest";
import { fmtTail, percentile, tailLabel } from "../../bench/stats.js";

const sample = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("bench tail figures", () => {
  it.each([
    { count: 10, p: 99, label: "max" },
    { count: 40, p: 99, label: "max" },
    { count: 99, p: 99, label: "max" },
    { count: 100, p: 99, label: "p99" },
    { count: 300, p: 99, label: "p99" },
    { count: 9, p: 90, label: "max" },
    { count: 10, p: 90, label: "p90" },
    { count: 20, p: 95, label: "p95" },
    { count: 19, p: 95, label: "max" },
  ])("$count samples at p$p are called $label", ({ count, p, label }) => {
    expect(tailLabel(count, p)).toBe(label);
    // The label says max exactly when the figure is the largest sample.
    expect(percentile(sample(count), p) === count).toBe(label === "max");
  });

  it("prints the label with the figure", () => {
    expect(fmtTail(sample(40), 99)).toBe("max 40.00 ms");
    expect(fmtTail(sample(200), 99)).toBe("p99 198.00 ms");
  });
});
