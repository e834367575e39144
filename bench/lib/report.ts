// One row of the results table: a figure next to its target and its baseline from the same run.

export interface Row {
  bench: string;
  figure: string;
  unit: string;
  measured: number;
  /** Human-readable target, e.g. ">= 10,000 /s". */
  target: string | null;
  met: boolean | null;
  baseline: number | null;
  baselineLabel: string | null;
  /** measured / baseline (or the inverse where the baseline is a cost), as stated in ratioLabel. */
  ratio: number | null;
  ratioLabel?: string;
  note?: string;
}

export interface BenchResult {
  bench: string;
  rows: Row[];
  /** Everything measured, for the JSON. */
  details: Record<string, unknown>;
  seconds: number;
  loadBefore: number[];
  loadAfter: number[];
}

function num(value: number | null, unit = ''): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const text = abs >= 1000 ? Math.round(value).toLocaleString('en') : abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
  return unit ? `${text} ${unit}` : text;
}

export function formatRatio(row: Row): string {
  if (row.ratio === null || !Number.isFinite(row.ratio)) return '—';
  if (row.ratioLabel === '×') return `${row.ratio >= 100 ? Math.round(row.ratio) : row.ratio.toFixed(1)}×`;
  return `${(row.ratio * 100).toFixed(row.ratio < 0.1 ? 1 : 0)} %`;
}

export function tableLines(rows: Row[], markdown = false): string[] {
  const head = ['bench', 'figure', 'target', 'measured', 'baseline', 'ratio', 'met?'];
  const cells = rows.map((r) => [
    r.bench, r.figure, r.target ?? '—', num(r.measured, r.unit),
    r.baseline === null ? '—' : `${num(r.baseline, r.unit)}${r.baselineLabel ? ` (${r.baselineLabel})` : ''}`,
    formatRatio(r), r.met === null ? '—' : r.met ? 'yes' : 'NO',
  ]);
  if (markdown) {
    return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...cells.map((c) => `| ${c.join(' | ')} |`)];
  }
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i] as number)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
}
