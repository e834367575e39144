// CPU time of a process tree from Linux /proc: every process descended from `root` whose command
// name matches, summed user + system time. Used to read what a headless Chromium costs.
import fs from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux (getconf CLK_TCK); /proc/<pid>/stat counts in these

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, in seconds. */
  cpu: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the fields follow the last ')'.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // After the name: state(0) ppid(1) … utime(11) stime(12).
    return { pid, ppid: Number(fields[1]), comm, cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return null; // gone between the listing and the read
  }
}

/**
 * CPU seconds used so far by each live descendant of `root` (not `root` itself) whose command name
 * matches `name`, by pid. Processes that ended are not counted: read it twice and subtract.
 */
export function treeCpu(root: number, name: RegExp): Map<number, number> {
  const all = new Map<number, ProcStat>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) all.set(stat.pid, stat);
  }
  const descends = (stat: ProcStat): boolean => {
    for (let parent = stat.ppid, hops = 0; parent > 1 && hops < 64; hops += 1) {
      if (parent === root) return true;
      parent = all.get(parent)?.ppid ?? 0;
    }
    return false;
  };
  const out = new Map<number, number>();
  for (const stat of all.values()) if (name.test(stat.comm) && descends(stat)) out.set(stat.pid, stat.cpu);
  return out;
}

/** CPU seconds between two readings of treeCpu; a process new in `after` counts from zero. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}
