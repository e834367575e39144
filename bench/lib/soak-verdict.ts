// Turns the soak's samples into rows: heap growth after warm-up against the 20 % target, and
// "stays flat" for the counts, judged on the medians of the first and last three samples so one
// busy moment (a burst of toasts, a ticker transition) neither hides nor fakes a leak.
import type { Row } from './report.ts';
import type { PageCounts } from './soak-probe.ts';

export interface SoakSample {
  /** Seconds since the wall was ready. */
  at: number;
  heapMb: number;
  nodes: number;
  listeners: number;
  documents: number;
  counts: PageCounts;
  /** The server's summary: incidents.today.total at sample time. */
  todayTotal: number | null;
}

/** How a count may move between start and end of the soak and still count as flat. */
interface FlatRule {
  figure: string;
  unit: string;
  read: (s: SoakSample) => number;
  /** Allowed rise of the last median over the first, as a share and an absolute slack. */
  share: number;
  slack: number;
}

export const HEAP_TARGET = 0.2;

const FLAT_RULES: FlatRule[] = [
  { figure: 'DOM nodes', unit: '', read: (s) => s.nodes, share: 0.05, slack: 50 },
  { figure: 'event listeners', unit: '', read: (s) => s.listeners, share: 0.05, slack: 20 },
  { figure: 'documents', unit: '', read: (s) => s.documents, share: 0, slack: 0 },
  { figure: 'live timeouts', unit: '', read: (s) => s.counts.liveTimeouts, share: 0, slack: 5 },
  { figure: 'live intervals', unit: '', read: (s) => s.counts.liveIntervals, share: 0, slack: 0 },
  { figure: 'rAF loops (pending frames)', unit: '', read: (s) => s.counts.pendingFrames, share: 0, slack: 2 },
  { figure: 'ECharts instances', unit: '', read: (s) => s.counts.chartInstances, share: 0, slack: 0 },
  { figure: 'chart canvases', unit: '', read: (s) => s.counts.chartCanvases, share: 0, slack: 0 },
  { figure: 'map layers', unit: '', read: (s) => s.counts.mapLayers, share: 0, slack: 0 },
  { figure: 'map sources', unit: '', read: (s) => s.counts.mapSources, share: 0, slack: 0 },
  { figure: 'map markers', unit: '', read: (s) => s.counts.markers, share: 0, slack: 5 },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface Verdict {
  rows: Row[];
  table: { figure: string; first: number; last: number; max: number; firstMedian: number; lastMedian: number; flat: boolean }[];
}

/** `after` are the samples taken after the warm-up (at least two). */
export function judge(after: SoakSample[]): Verdict {
  if (after.length < 2) throw new Error(`the soak needs at least two samples after warm-up, got ${after.length}`);
  const first = after[0] as SoakSample;
  const last = after[after.length - 1] as SoakSample;
  const head = after.slice(0, 3);
  const tail = after.slice(-3);
  const growth = (last.heapMb - first.heapMb) / first.heapMb;
  const rows: Row[] = [
    {
      bench: 'soak', figure: 'JS heap growth after warm-up', unit: '%', measured: growth * 100, target: `< ${HEAP_TARGET * 100} %`,
      met: growth < HEAP_TARGET, baseline: null, baselineLabel: null, ratio: null,
      note: `used heap after GC ${first.heapMb.toFixed(1)} MB at warm-up -> ${last.heapMb.toFixed(1)} MB at end (max ${Math.max(...after.map((s) => s.heapMb)).toFixed(1)} MB)`,
    },
  ];
  const table: Verdict['table'] = [];
  for (const rule of FLAT_RULES) {
    const firstMedian = median(head.map(rule.read));
    const lastMedian = median(tail.map(rule.read));
    const flat = lastMedian <= firstMedian * (1 + rule.share) + rule.slack;
    const values = after.map(rule.read);
    table.push({ figure: rule.figure, first: rule.read(first), last: rule.read(last), max: Math.max(...values), firstMedian, lastMedian, flat });
    rows.push({
      bench: 'soak', figure: rule.figure, unit: rule.unit, measured: rule.read(last),
      target: rule.share || rule.slack ? `flat (<= +${rule.share * 100} % +${rule.slack})` : 'flat (no rise)',
      met: flat, baseline: rule.read(first), baselineLabel: 'at warm-up', ratio: null,
      note: `median of first 3 ${firstMedian}, of last 3 ${lastMedian}, max ${Math.max(...values)}`,
    });
  }
  return { rows, table };
}
