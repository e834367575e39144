// The spatial index of open incidents that finds duplicate candidates: a hash of square cells
// (per category) over the street, updated as incidents open and end. A check reads the few cells
// around a point, never the whole set (a million entries: see docs/benchmarks.md, duplicates).
import { DEFAULT_DUPLICATE_RULE, distanceM, duplicateRuleFor, DUPLICATE_RULES, type CategoryCode, type DuplicateRule } from '@grid141/shared';
import type { OpenPoint } from '../store/merge.ts';

const M_PER_DEG_LAT = 110_540;

export interface DuplicateCandidate {
  id: string;
  distanceM: number;
}

export class DuplicateIndex {
  private readonly cells = new Map<number, Map<string, OpenPoint>>();
  private readonly cellOf = new Map<string, number>();
  private readonly categoryNumber = new Map<string, number>();
  private readonly cellM: number;
  private readonly kx: number;

  /**
   * @param refLat latitude the metre grid is laid out at (the street's centre); within a street
   *   the east-west scale changes by well under 1 %, and every match is checked by exact distance.
   * @param rules per-category radius (m) and window (min); `fallback` for a category not named.
   *   Cells are 50 m wide whatever the rules: a check reads ceil(radius / 50) cells each way.
   */
  constructor(
    refLat: number,
    private readonly rules: Readonly<Partial<Record<CategoryCode, DuplicateRule>>> = DUPLICATE_RULES,
    private readonly fallback: DuplicateRule = DEFAULT_DUPLICATE_RULE,
  ) {
    this.cellM = DEFAULT_DUPLICATE_RULE.radiusM;
    this.kx = 111_320 * Math.cos((refLat * Math.PI) / 180);
  }

  get size(): number {
    return this.cellOf.size;
  }

  // A number, not a string: a check builds no garbage. 21 bits of cell column and row (cells of
  // 50 m wrap after 100,000 km, far beyond any street) under the category's number.
  private key(category: string, cx: number, cy: number): number {
    let c = this.categoryNumber.get(category);
    if (c === undefined) this.categoryNumber.set(category, (c = this.categoryNumber.size));
    return (c * 2 ** 21 + (cx & 0x1fffff)) * 2 ** 21 + (cy & 0x1fffff);
  }

  private cx(lng: number): number {
    return Math.floor((lng * this.kx) / this.cellM);
  }

  private cy(lat: number): number {
    return Math.floor((lat * M_PER_DEG_LAT) / this.cellM);
  }

  /** Adds or moves an open incident. */
  add(point: OpenPoint): void {
    this.remove(point.id);
    const key = this.key(point.category, this.cx(point.lng), this.cy(point.lat));
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, (cell = new Map()));
    cell.set(point.id, point);
    this.cellOf.set(point.id, key);
  }

  remove(id: string): void {
    const key = this.cellOf.get(id);
    if (key === undefined) return;
    const cell = this.cells.get(key);
    cell?.delete(id);
    if (cell?.size === 0) this.cells.delete(key);
    this.cellOf.delete(id);
  }

  get(id: string): OpenPoint | undefined {
    const key = this.cellOf.get(id);
    return key === undefined ? undefined : this.cells.get(key)?.get(id);
  }

  /** The radius and window that apply to a category. */
  ruleFor(category: CategoryCode): DuplicateRule {
    return duplicateRuleFor(category, this.rules, this.fallback);
  }

  clear(): void {
    this.cells.clear();
    this.cellOf.clear();
  }

  /**
   * The open incident this new one possibly duplicates: same category, within the category's
   * radius and window (either way in time), the nearest; when that one is itself a possible
   * duplicate of an incident still open, that original. null when there is none.
   */
  find(incident: { id?: string; category: CategoryCode; lng: number; lat: number; reportedAtMs: number }): DuplicateCandidate | null {
    const rule = this.ruleFor(incident.category);
    const reach = Math.ceil(rule.radiusM / this.cellM);
    const windowMs = rule.windowMin * 60_000;
    const cx = this.cx(incident.lng), cy = this.cy(incident.lat);
    let best: OpenPoint | null = null, bestD = Infinity;
    for (let dx = -reach; dx <= reach; dx++) {
      for (let dy = -reach; dy <= reach; dy++) {
        const cell = this.cells.get(this.key(incident.category, cx + dx, cy + dy));
        if (!cell) continue;
        for (const p of cell.values()) {
          if (p.id === incident.id || Math.abs(p.reportedAtMs - incident.reportedAtMs) > windowMs) continue;
          const d = distanceM(p, incident);
          if (d <= rule.radiusM && (d < bestD || (d === bestD && best !== null && p.reportedAtMs < best.reportedAtMs))) {
            best = p;
            bestD = d;
          }
        }
      }
    }
    if (!best) return null;
    const root = best.possibleDuplicateOf ? this.get(best.possibleDuplicateOf) : undefined;
    return root ? { id: root.id, distanceM: distanceM(root, incident) } : { id: best.id, distanceM: bestD };
  }
}
