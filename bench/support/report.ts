import { appendFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { loadAverage } from './proc';
import { ROOT } from './processes';

/** A Markdown table (also what the benches print: readable as plain text). */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Cores, CPU model, Node, and the load average now (the machine may be shared: say how busy it was). */
export function machineSummary(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${loadAverage().toFixed(1)}`;
}

/**
 * Appends a dated result block to BENCHMARKS.md (the record of figures over time), unless
 * BENCH_RECORD=false (trial runs).
 */
export function recordInBenchmarks(title: string, body: string): void {
  if (process.env.BENCH_RECORD === 'false') return;
  const at = new Date().toISOString().slice(0, 16).replace('T', ' ');
  appendFileSync(join(ROOT, 'BENCHMARKS.md'), `\n### ${title} — ${at} UTC\n\n${body}\n`);
}

/**
 * Prints a bench's result table(s) and records them: heading `<title> (\`<command>\`), load average
 * <n> — <date and time>`, then the settings and the machine.
 */
export function reportResult(title: string, command: string, settings: string, body: string): void {
  console.log(`\n${body}`);
  recordInBenchmarks(
    `${title} (\`${command}\`), load average ${loadAverage().toFixed(1)}`,
    `${settings}; machine: ${machineSummary()}.\n\n${body}`,
  );
}

/** A bench's entry point: exits 0 when done (pools and sockets must not keep it alive), 1 on error. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

/** `12.3` → "12.3", big numbers without decimals; NaN → "—". */
export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '—';
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(digits);
}
