/** Small timing helpers shared by the benchmarks. */
export interface Row {
  operation: string;
  billhook: string;
  baselineName: string;
  baseline: string;
  ratio: string;
}

export async function timeIt(work: () => Promise<void>): Promise<number> {
  const startedAt = performance.now();
  await work();
  return (performance.now() - startedAt) / 1000;
}

export function perSecond(count: number, seconds: number): number {
  return count / seconds;
}

export function formatRate(rate: number, unit: string): string {
  return `${Math.round(rate).toLocaleString("en-US")} ${unit}`;
}

export function ratio(ours: number, baseline: number): string {
  return `${((ours / baseline) * 100).toFixed(1)} %`;
}

/** Runs `task` with at most `concurrency` in flight until `total` have run. */
export async function runConcurrently(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const index = next++;
      await task(index);
    }
  });
  await Promise.all(lanes);
}

export function printTable(rows: Row[]): void {
  const header: Row = {
    operation: "operation",
    billhook: "billhook",
    baselineName: "raw baseline",
    baseline: "baseline",
    ratio: "ratio",
  };
  const all = [header, ...rows];
  const columns = Object.keys(header) as Array<keyof Row>;
  const widths = columns.map((column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row: Row) =>
    `| ${columns.map((column, index) => row[column].padEnd(widths[index]!)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

/** One table row: our rate next to the raw baseline's, with the ratio. */
export function comparisonRow(
  operation: string,
  ours: { rate: number; unit: string },
  baseline: { name: string; rate: number; unit: string },
): Row {
  return {
    operation,
    billhook: formatRate(ours.rate, ours.unit),
    baselineName: baseline.name,
    baseline: formatRate(baseline.rate, baseline.unit),
    ratio: ratio(ours.rate, baseline.rate),
  };
}
