/** Median and percentiles of a sample; benchmarks quote these, never single runs. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[percentileIndex(sorted.length, p)]!;
}

function percentileIndex(count: number, p: number): number {
  return Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1));
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;
}

/**
 * The name a tail figure may honestly carry: "p99" only when at least one sample lies above it.
 * With fewer samples (under 100 for p99, under 10 for p90) the pth percentile is the largest
 * sample, so it is called "max".
 */
export function tailLabel(count: number, p: number): string {
  return percentileIndex(count, p) >= count - 1 ? "max" : `p${p}`;
}

/** "p99 12.30 ms" or, when the sample is too small to have a p99, "max 12.30 ms". */
export function fmtTail(values: readonly number[], p: number): string {
  return `${tailLabel(values.length, p)} ${fmt(percentile(values, p))}`;
}
