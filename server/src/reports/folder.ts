// DATA_DIR/reports/<week>/: the rendered decks, listed by GET /api/v1/reports.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseIsoWeek } from '@grid141/shared';

export interface RenderedReport {
  week: string;
  /** When its PDF was written (ISO). */
  renderedAt: string;
  pdf: string[];
  png: string[];
}

export function reportsDir(dataDir: string): string {
  return path.join(dataDir, 'reports');
}

export function weekDir(dataDir: string, week: string): string {
  return path.join(reportsDir(dataDir), week);
}

/** A file name the listing may hand out: letters, digits, - and _, ending .pdf or .png. */
export function servableName(name: string): boolean {
  return /^[A-Za-z0-9_-]+\.(pdf|png)$/.test(name);
}

/** Every week folder holding at least one PDF, newest week first. */
export async function listRendered(dataDir: string): Promise<RenderedReport[]> {
  const root = reportsDir(dataDir);
  let weeks: string[];
  try {
    weeks = await readdir(root);
  } catch {
    return [];
  }
  const out: RenderedReport[] = [];
  for (const week of weeks.filter((w) => parseIsoWeek(w) !== null).sort().reverse()) {
    const files = (await readdir(path.join(root, week))).filter(servableName).sort();
    const pdf = files.filter((f) => f.endsWith('.pdf'));
    if (pdf.length === 0) continue;
    const written = await stat(path.join(root, week, pdf[0] as string));
    out.push({ week, renderedAt: written.mtime.toISOString(), pdf, png: files.filter((f) => f.endsWith('.png')) });
  }
  return out;
}
