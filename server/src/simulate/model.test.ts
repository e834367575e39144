// The model against domain.md §4: a simulated week's volumes, mixes and daily rhythms.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, SOURCES } from '@grid141/shared';
import { REPO_ROOT } from '../config.ts';
import { addDays, dayStart, isWeekend } from './clock.ts';
import { isLegalPlan } from './lifecycle.ts';
import { generateDay, type FeedEvent, type IncidentEvent, type SimEvent } from './model.ts';
import { loadSimStreet } from './street.ts';

const street = loadSimStreet(path.join(REPO_ROOT, 'data', 'streets'), 'shiyoulu');
const TZ = street.timeZone;
// A week from Monday, outside the rainy season.
const MONDAY = '2026-11-23';
const week = Array.from({ length: 7 }, (_, d) => generateDay(street, 'test', addDays(MONDAY, d)));
const all: SimEvent[] = week.flatMap((p) => p.events);
const incidents = all.filter((e): e is IncidentEvent => e.type === 'incident');
const feed = (kind: string) => all.filter((e): e is FeedEvent => e.type === 'feed' && e.kind === kind);
const hourOf = (e: SimEvent, date: string) => Math.floor((e.at - dayStart(date, TZ)) / 3_600_000);

function share<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1 / items.length;
  return out;
}

describe('simulator model: a week of the street', () => {
  it('makes ≈45 incidents a weekday and ≈35 a weekend day', () => {
    const weekday = week.filter((p) => !isWeekend(p.date)).map((p) => p.events.filter((e) => e.type === 'incident').length);
    const weekend = week.filter((p) => isWeekend(p.date)).map((p) => p.events.filter((e) => e.type === 'incident').length);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(weekday)).toBeGreaterThan(38);
    expect(mean(weekday)).toBeLessThan(52);
    expect(mean(weekend)).toBeGreaterThan(26);
    expect(mean(weekend)).toBeLessThan(44);
    for (const n of [...weekday, ...weekend]) expect(n).toBeGreaterThanOrEqual(20);
  });

  it('mixes categories and sources as domain.md §4.2 says (a month, within tolerance)', () => {
    const month = Array.from({ length: 28 }, (_, d) => generateDay(street, 'mix', addDays('2026-10-26', d), ['incidents']).events) .flat() as IncidentEvent[];
    const cats = share(month, (e) => e.input.category);
    expect(cats.city_mgmt).toBeGreaterThan(0.32);
    expect(cats.city_mgmt).toBeLessThan(0.46);
    expect(cats.safety_hazard).toBeGreaterThan(0.14);
    expect(cats.safety_hazard).toBeLessThan(0.25);
    expect(cats.livelihood).toBeGreaterThan(0.1);
    expect(cats.livelihood).toBeLessThan(0.19);
    const sources = share(month, (e) => e.input.source);
    expect(sources.grid_patrol).toBeGreaterThan(0.37);
    expect(sources.grid_patrol).toBeLessThan(0.47);
    expect(sources.resident_app).toBeGreaterThan(0.14);
    expect(sources.resident_app).toBeLessThan(0.22);
    // Every code is one the server knows; every record is marked simulated.
    for (const e of month) {
      expect(CATEGORIES.some((c) => c.code === e.input.category)).toBe(true);
      expect(SOURCES.some((s) => s.code === e.input.source)).toBe(true);
      expect(e.input.simulated).toBe(true);
    }
  });

  it('keeps the night quiet (≈3 % between 00:00 and 06:00) and patrols in working hours', () => {
    const byDate = week.flatMap((p) => p.events.filter((e): e is IncidentEvent => e.type === 'incident').map((e) => ({ e, h: hourOf(e, p.date) })));
    const night = byDate.filter((x) => x.h < 6).length / byDate.length;
    expect(night).toBeLessThan(0.07);
    for (const { e, h } of byDate) if (e.input.source === 'grid_patrol') expect(h >= 8 && h <= 17).toBe(true);
  });

  it('serves 1,000–1,300 meals a day with the lunch peak between 11:00 and 13:00', () => {
    for (const plan of week) {
      const meals = plan.events.filter((e): e is FeedEvent => e.type === 'feed' && e.kind === 'canteen-meals');
      const total = meals.reduce((a, e) => a + Number(e.input.quantity), 0);
      expect(total).toBeGreaterThan(900); // 1,000–1,300 planned, plus the tills' day-to-day noise
      expect(total).toBeLessThan(1450);
      const quarters = new Map<number, number>();
      for (const e of meals) {
        const q = Math.floor((e.at - dayStart(plan.date, TZ)) / 900_000);
        quarters.set(q, (quarters.get(q) ?? 0) + Number(e.input.quantity));
      }
      const [peak] = [...quarters.entries()].sort((a, b) => b[1] - a[1])[0] as [number, number];
      expect(peak * 15).toBeGreaterThanOrEqual(11 * 60);
      expect(peak * 15).toBeLessThan(13 * 60);
      const lunch = meals.filter((e) => e.input.slot === 'lunch').reduce((a, e) => a + Number(e.input.quantity), 0);
      expect(lunch / total).toBeGreaterThan(0.55);
      expect(lunch / total).toBeLessThan(0.7);
      // Aggregated per canteen, 5 minutes, tier and mode: a few hundred records, not a thousand.
      expect(meals.length).toBeLessThan(800);
    }
  });

  it('runs drills on weekday afternoons, ~2 a week; entities on working days; more volunteering at weekends', () => {
    const drills = feed('fire-drills');
    for (const plan of week) {
      for (const e of plan.events) {
        if (e.type === 'feed' && e.kind === 'fire-drills') {
          expect(isWeekend(plan.date)).toBe(false);
          const h = hourOf(e, plan.date);
          expect(h >= 14 && h < 17).toBe(true);
        }
      }
    }
    const year = Array.from({ length: 364 }, (_, d) => generateDay(street, 'year', addDays('2025-11-24', d), ['fire-drills', 'market-entities', 'hazard-inspections']).events).flat();
    const perWeek = (kind: string) => year.filter((e) => e.type === 'feed' && e.kind === kind).length / 52;
    expect(perWeek('fire-drills')).toBeGreaterThan(1.4);
    expect(perWeek('fire-drills')).toBeLessThan(2.8);
    expect(perWeek('hazard-inspections')).toBeGreaterThan(1.8);
    expect(perWeek('hazard-inspections')).toBeLessThan(3.5);
    // Every week has its two or three carpet sweeps: no weekly report shows a week without one.
    for (let w = 0; w < 52; w += 1) {
      const days = Array.from({ length: 7 }, (_, d) => addDays('2025-11-24', w * 7 + d));
      const sweeps = days.flatMap((date) => generateDay(street, 'year', date, ['hazard-inspections']).events)
        .filter((e) => e.type === 'feed' && e.input.kind === 'carpet');
      expect(sweeps.length, `week of ${days[0]}`).toBeGreaterThanOrEqual(2);
      expect(sweeps.length, `week of ${days[0]}`).toBeLessThanOrEqual(3);
    }
    const entitiesPerMonth = year.filter((e) => e.type === 'feed' && e.kind === 'market-entities').length / 12;
    expect(entitiesPerMonth).toBeGreaterThan(80);
    expect(entitiesPerMonth).toBeLessThan(120);
    expect(drills.length).toBeLessThan(8);
    const acts = (weekend: boolean) => week.filter((p) => isWeekend(p.date) === weekend)
      .map((p) => p.events.filter((e) => e.type === 'feed' && e.kind === 'volunteer-activities').length);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(avg(acts(true))).toBeGreaterThan(avg(acts(false)));
    for (const n of [...acts(true), ...acts(false)]) expect(n >= 5 && n <= 12).toBe(true);
  });

  it('raises a handful of sensor alarms a day', () => {
    const perDay = feed('alarms').length / 7;
    expect(perDay).toBeGreaterThan(4);
    expect(perDay).toBeLessThan(16);
    for (const e of feed('alarms')) expect(e.resolve && e.resolve.at > e.at).toBe(true);
  });

  it('plans legal lifecycles with realistic delays: most on time, a few late, some returned and rejected', () => {
    const month = Array.from({ length: 28 }, (_, d) => generateDay(street, 'life', addDays('2026-10-26', d), ['incidents']).events).flat() as IncidentEvent[];
    for (const e of month) expect(isLegalPlan(e.plan)).toBe(true);
    const accept = month.map((e) => (e.plan.steps[0]!.at - e.at) / 60_000).sort((a, b) => a - b);
    const median = accept[Math.floor(accept.length / 2)]!;
    expect(median).toBeGreaterThan(2.5);
    expect(median).toBeLessThan(6.5);
    const late = month.filter((e) => e.plan.late).length / month.length;
    expect(late).toBeGreaterThan(0.005);
    expect(late).toBeLessThan(0.06);
    const returned = month.filter((e) => e.plan.steps.some((s) => s.to === 'returned')).length / month.length;
    expect(returned).toBeGreaterThan(0.005);
    expect(returned).toBeLessThan(0.07);
    const rejected = month.filter((e) => e.plan.steps.some((s) => s.to === 'rejected')).length / month.length;
    expect(rejected).toBeGreaterThan(0.005);
    expect(rejected).toBeLessThan(0.07);
    for (const e of month.filter((x) => x.input.urgency === 'critical')) expect(e.plan.steps[0]!.at - e.at).toBeLessThanOrEqual(90_000);
  });

  it('is deterministic for a seed, differs between seeds, and keeps externalIds unique and stable', () => {
    const a = generateDay(street, 'test', MONDAY);
    expect(JSON.stringify(a)).toBe(JSON.stringify(week[0]));
    expect(JSON.stringify(generateDay(street, 'other', MONDAY))).not.toBe(JSON.stringify(a));
    // One feed generated alone is the same as within the whole day.
    const mealsAlone = generateDay(street, 'test', MONDAY, ['canteen-meals']).events;
    expect(JSON.stringify(mealsAlone)).toBe(JSON.stringify(a.events.filter((e) => e.type === 'feed' && e.kind === 'canteen-meals')));
    const ids = all.map((e) => e.input.externalId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id.startsWith('sim-test-')).toBe(true);
  });
});
