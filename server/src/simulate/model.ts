// The demo feed's model: what happens on a given day in the street, as a pure function of
// (street, seed, date). Volumes and rhythms follow domain.md §4; each feed draws from its own
// seeded stream, and every record's externalId is stable per (seed, date, feed, index).
import type { CategoryCode, FeedInput, FeedKind, IncidentInput, SourceCode, Urgency } from '@grid141/shared';
import { createRng, type Rng } from './prng.ts';
import { addDays, dayStart, isWeekend, weekMonday, weekday } from './clock.ts';
import { planLifecycle, type LifecyclePlan } from './lifecycle.ts';
import { near, pickArea, pointIn, type SimPoi, type SimStreet } from './street.ts';
import vocabulary from './vocabulary.json' with { type: 'json' };

const MIN = 60_000;
const HOUR = 60 * MIN;

/** An incident as the model plans it: the record (its time set when posted) and its future moves. */
export interface IncidentEvent {
  type: 'incident';
  at: number;
  input: Omit<IncidentInput, 'reportedAt'>;
  plan: LifecyclePlan;
}

export interface FeedEvent<K extends FeedKind = FeedKind> {
  type: 'feed';
  kind: K;
  at: number;
  /** The record without its time field (see FEED_TIME_FIELD); the poster stamps it. */
  input: Record<string, unknown> & { externalId: string };
  /** Alarms: when and how they are resolved. */
  resolve?: { at: number; outcome: string };
}

export type SimEvent = IncidentEvent | FeedEvent;


export type ModelStream = 'incidents' | FeedKind;
export const ALL_STREAMS: readonly ModelStream[] = [
  'incidents', 'fire-drills', 'hazard-inspections', 'alarms', 'canteen-meals', 'market-entities', 'volunteer-activities',
];

export interface DayPlan {
  date: string;
  events: SimEvent[];
}

// ---- incidents (domain.md §4.2) ----

export const INCIDENTS_WEEKDAY = 45;
export const INCIDENTS_WEEKEND = 35;

const CATEGORY_SHARE: [CategoryCode, number][] = [
  ['city_mgmt', 38], ['safety_hazard', 18], ['livelihood', 14], ['dispute', 9], ['environment', 8],
  ['public_order', 4], ['enterprise', 4], ['party_org', 4], ['emergency', 0.6],
];

export const SOURCE_SHARE: [SourceCode, number][] = [
  ['grid_patrol', 42], ['resident_app', 18], ['hotline_12345', 12], ['new_employment', 10],
  ['video_ai', 8], ['iot', 5], ['higher_level', 4], ['deliberation', 1],
];

/** Relative weight of each hour (0..23) per source: when each channel reports. */
function hours(spec: Record<number, number>, rest = 0): number[] {
  return Array.from({ length: 24 }, (_, h) => spec[h] ?? rest);
}
const NIGHT = { 0: 0.02, 1: 0.02, 2: 0.02, 3: 0.02, 4: 0.02, 5: 0.02 };
export const HOURLY_BY_SOURCE: Record<string, number[]> = {
  grid_patrol: hours({ 8: 0.5, 9: 1, 10: 1, 11: 0.5, 14: 1, 15: 1, 16: 1, 17: 0.5 }),
  resident_app: hours({ ...NIGHT, 6: 0.1, 7: 0.5, 8: 1, 9: 0.3, 12: 1, 13: 0.5, 19: 1, 20: 1, 21: 1, 22: 0.3, 23: 0.1 }, 0.3),
  new_employment: hours({ ...NIGHT, 6: 0.02, 7: 0.05, 11: 1, 12: 1, 13: 0.5, 17: 1, 18: 1, 19: 1, 22: 0.1, 23: 0.05 }, 0.1),
  hotline_12345: hours({ 0: 0.01, 1: 0.01, 2: 0.01, 3: 0.01, 4: 0.01, 5: 0.01, 6: 0.05, 7: 0.2, 22: 0.2, 23: 0.05 }, 1),
  video_ai: hours({ 0: 0.3, 1: 0.3, 2: 0.3, 3: 0.3, 4: 0.3, 5: 0.3, 6: 0.5, 23: 0.5 }, 1),
  iot: hours({ 6: 1.3, 7: 1.3, 11: 1.3, 17: 1.3, 18: 1.3 }, 1),
  higher_level: hours({ 9: 1, 10: 1, 11: 0.5, 14: 1, 15: 1, 16: 1 }),
  deliberation: hours({ 14: 1, 15: 1, 19: 1, 20: 0.5 }),
};

/** Sources that only see some kinds of matters. */
const CATEGORY_BY_SOURCE: Partial<Record<SourceCode, [CategoryCode, number][]>> = {
  iot: [['safety_hazard', 60], ['livelihood', 30], ['emergency', 10]],
  video_ai: [['city_mgmt', 70], ['safety_hazard', 18], ['public_order', 12]],
  deliberation: [['dispute', 40], ['livelihood', 30], ['environment', 30]],
};

function drawHour(rng: Rng, weights: readonly number[]): number {
  return rng.weighted(Array.from({ length: 24 }, (_, h) => h), weights);
}

function pairs<T>(list: [T, number][]): [T[], number[]] {
  return [list.map((p) => p[0]), list.map((p) => p[1])];
}

type Vocabulary = typeof vocabulary;
type IncidentVocab = Vocabulary['incidents'];

function describe(rng: Rng, category: CategoryCode): { sub: string; text: string } {
  const subs = (vocabulary.incidents as IncidentVocab)[category];
  const sub = rng.weighted(subs, subs.map((s) => s.weight));
  return { sub: sub.sub, text: `${rng.pick(vocabulary.places)}：${rng.pick(sub.texts)}` };
}

function urgencyFor(rng: Rng, category: CategoryCode): Urgency {
  if (category === 'emergency') return rng.chance(0.5) ? 'critical' : 'urgent';
  return rng.weighted<Urgency>(['critical', 'urgent', 'normal'], [1.6, 13, 85.4]);
}

function reporterFor(source: SourceCode): IncidentInput['reporter'] {
  switch (source) {
    case 'grid_patrol':
      return { kind: 'grid_worker' };
    case 'resident_app':
    case 'hotline_12345':
    case 'deliberation':
      return { kind: 'resident' };
    case 'new_employment':
      return { kind: 'new_employment' };
    default:
      return { kind: 'system' };
  }
}

function isRainySeason(date: string): boolean {
  const month = Number(date.slice(5, 7));
  return month >= 5 && month <= 9;
}

function makeIncident(
  rng: Rng, street: SimStreet, externalId: string, at: number, source: SourceCode, category: CategoryCode, urgency?: Urgency,
): IncidentEvent {
  const { sub, text } = describe(rng, category);
  const area = pickArea(street, rng);
  const urg = urgency ?? urgencyFor(rng, category);
  // 三事三色: the category's default colour, with some public matters handled as collective ones.
  const colour = ['city_mgmt', 'safety_hazard', 'public_order'].includes(category) && rng.chance(0.17) ? 'orange' : undefined;
  const input: Omit<IncidentInput, 'reportedAt'> = {
    externalId,
    source,
    category,
    subcategory: sub,
    urgency: urg,
    title: sub,
    description: text,
    location: pointIn(area, rng),
    reporter: reporterFor(source),
    simulated: true,
    ...(colour ? { colour } : {}),
  };
  return { type: 'incident', at, input, plan: planLifecycle(rng, { category, urgency: urg, reportedAt: at }) };
}

function incidentsOfDay(street: SimStreet, seed: string, date: string, start: number): IncidentEvent[] {
  const rng = createRng(seed, date, 'incidents');
  const mean = isWeekend(date) ? INCIDENTS_WEEKEND : INCIDENTS_WEEKDAY;
  const count = Math.min(80, Math.max(20, rng.poisson(mean)));
  const [sources, sourceWeights] = pairs(SOURCE_SHARE);
  const categoryShare = CATEGORY_SHARE.map(([c, w]): [CategoryCode, number] => [c, c === 'emergency' && isRainySeason(date) ? w * 3 : w]);
  const events: IncidentEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const source = rng.weighted(sources, sourceWeights);
    const weights = HOURLY_BY_SOURCE[source] ?? HOURLY_BY_SOURCE.hotline_12345!;
    const at = start + drawHour(rng, weights) * HOUR + Math.floor(rng.next() * HOUR);
    const [cats, catWeights] = pairs(CATEGORY_BY_SOURCE[source] ?? categoryShare);
    events.push(makeIncident(rng, street, `sim-${seed}-${date}-inc-${i}`, at, source, rng.weighted(cats, catWeights)));
  }
  return events;
}

// ---- canteen meals (domain.md §4.4) ----

export const MEAL_BUCKET_MIN = 5;
const TIERS = ['elderly_member', 'member', 'public'] as const;
const TIER_SHARE = [55, 25, 20];
const PRICES: Record<(typeof TIERS)[number], number> = { elderly_member: 3, member: 5, public: 7 };

/** Meal weight of each 5-minute bucket of the day, per slot, for one kind of canteen. */
function mealBuckets(kind: string): { slot: 'breakfast' | 'lunch' | 'dinner'; bucket: number; weight: number }[] {
  const out: { slot: 'breakfast' | 'lunch' | 'dinner'; bucket: number; weight: number }[] = [];
  const add = (slot: 'breakfast' | 'lunch' | 'dinner', fromMin: number, toMin: number, share: number, shape: (m: number) => number) => {
    const list: { bucket: number; w: number }[] = [];
    for (let m = fromMin; m < toMin; m += MEAL_BUCKET_MIN) list.push({ bucket: m / MEAL_BUCKET_MIN, w: shape(m) });
    const total = list.reduce((a, b) => a + b.w, 0);
    for (const b of list) out.push({ slot, bucket: b.bucket, weight: (share * b.w) / total });
  };
  add('breakfast', 7 * 60, 9 * 60, 0.15, (m) => 1 - Math.abs(m - 7.75 * 60) / 90);
  add('lunch', 11 * 60, 13.5 * 60, 0.62, (m) => {
    // 11:45–12:15 carries ≈ 35 % of lunch; meal points get an earlier bump at 11:20.
    if (m >= 11.75 * 60 && m < 12.25 * 60) return 4.3;
    const bump = kind === 'meal_point' && m >= 11 * 60 + 15 && m < 11 * 60 + 30 ? 1.5 : 0;
    return 1.6 - Math.abs(m - 12 * 60) / 90 + bump;
  });
  add('dinner', 17 * 60, 19 * 60, 0.23, (m) => 1 - Math.abs(m - 17.75 * 60) / 100);
  return out;
}

function mealsOfDay(street: SimStreet, seed: string, date: string, start: number): FeedEvent[] {
  const rng = createRng(seed, date, 'canteen-meals');
  const events: FeedEvent[] = [];
  const sunday = weekday(date) === 0 ? 1.1 : 1;
  let index = 0;
  // Street total 1,000–1,300 a day, shared as community canteen 250–400 : meal point 100–180.
  const shares = street.canteens.map((c) => (c.kind === 'canteen' ? rng.uniform(280, 370) : rng.uniform(120, 165)));
  const sum = shares.reduce((a, b) => a + b, 0);
  const streetTotal = rng.uniform(1000, 1300) * sunday;
  for (const [c, canteen] of street.canteens.entries()) {
    const daily = ((shares[c] ?? 0) / sum) * streetTotal;
    for (const { slot, bucket, weight } of mealBuckets(canteen.kind)) {
      const meals = rng.poisson(daily * weight);
      if (meals === 0) continue;
      const at = start + bucket * MEAL_BUCKET_MIN * MIN + rng.int(0, MEAL_BUCKET_MIN * MIN - 1);
      // One record per tier and mode with a quantity: a till's 5-minute tally.
      const counts = new Map<string, number>();
      for (let k = 0; k < meals; k += 1) {
        const tier = rng.weighted(TIERS, TIER_SHARE);
        const mode = slot === 'lunch' && rng.chance(0.06) ? 'delivery' : 'dine_in';
        counts.set(`${tier}|${mode}`, (counts.get(`${tier}|${mode}`) ?? 0) + 1);
      }
      for (const [key, quantity] of counts) {
        const [tier, mode] = key.split('|') as [(typeof TIERS)[number], 'dine_in' | 'delivery'];
        events.push({
          type: 'feed',
          kind: 'canteen-meals',
          at,
          input: {
            externalId: `sim-${seed}-${date}-meal-${index++}`,
            canteenId: canteen.id,
            tier,
            slot,
            mode,
            quantity,
            item: rng.pick(vocabulary.menu),
            paidYuan: PRICES[tier] * quantity,
            simulated: true,
          } satisfies Omit<FeedInput<'canteen-meals'>, 'servedAt'>,
        });
      }
    }
  }
  return events;
}

// ---- fire safety (domain.md §4.3) ----

/** A deterministic pick of one working day in a set of dates (monthly / quarterly drills). */
function chosenDay(seed: string, key: string, date: string, candidates: string[]): boolean {
  const working = candidates.filter((d) => !isWeekend(d));
  if (working.length === 0) return false;
  return createRng(seed, key).pick(working) === date;
}

function datesOfMonth(date: string): string[] {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Array.from({ length: days }, (_, i) => `${date.slice(0, 8)}${String(i + 1).padStart(2, '0')}`);
}

function drill(rng: Rng, seed: string, date: string, start: number, index: number, level: 'micro_grid' | 'community' | 'street', building: SimPoi): FeedEvent {
  const kinds = level === 'micro_grid' ? ['evacuation', 'live_highrise', 'micro_station'] : ['live_highrise', 'evacuation'];
  const participants = level === 'street' ? rng.int(150, 300) : level === 'community' ? rng.int(80, 200) : rng.int(30, 120);
  return {
    type: 'feed',
    kind: 'fire-drills',
    // Weekday afternoons, 14:00–17:00.
    at: start + 14 * HOUR + rng.int(0, 3 * 60 - 1) * MIN,
    input: {
      externalId: `sim-${seed}-${date}-drill-${index}`,
      level,
      kind: rng.pick(kinds) as FeedInput<'fire-drills'>['kind'],
      location: near(building, rng),
      buildingName: building.name,
      participants,
      residentsEvacuated: Math.round(participants * rng.uniform(0.6, 0.95)),
      evacuationSeconds: rng.int(240, 720),
      responseSeconds: rng.int(60, 180),
      result: rng.chance(0.85) ? 'pass' : 'improve',
      simulated: true,
    },
  };
}

function drillsOfDay(street: SimStreet, seed: string, date: string, start: number): FeedEvent[] {
  if (isWeekend(date) || street.highrises.length === 0) return [];
  const rng = createRng(seed, date, 'fire-drills');
  const events: FeedEvent[] = [];
  // 1.5–2 a week at building level, one community drill a month, one street drill a quarter.
  if (rng.chance(0.35)) events.push(drill(rng, seed, date, start, 0, 'micro_grid', rng.pick(street.highrises)));
  if (chosenDay(seed, `community-drill-${date.slice(0, 7)}`, date, datesOfMonth(date))) {
    events.push(drill(rng, seed, date, start, 1, 'community', rng.pick(street.highrises)));
  }
  const month = Number(date.slice(5, 7));
  if (month % 3 === 2 && chosenDay(seed, `street-drill-${date.slice(0, 7)}`, date, datesOfMonth(date))) {
    events.push(drill(rng, seed, date, start, 2, 'street', rng.pick(street.highrises)));
  }
  return events;
}

function inspectionsOfDay(street: SimStreet, seed: string, date: string, start: number): FeedEvent[] {
  if (isWeekend(date)) return [];
  const rng = createRng(seed, date, 'hazard-inspections');
  const events: FeedEvent[] = [];
  // Carpet sweeps 2–3 a week (domain.md §4.3) on working days drawn per ISO week, so no week
  // goes without one; now and then a special one on top.
  const monday = weekMonday(date);
  const weekRng = createRng(seed, monday, 'hazard-inspection-days');
  const workdays = [0, 1, 2, 3, 4].map((i) => addDays(monday, i));
  const sweepDays = new Set<string>();
  const sweeps = weekRng.chance(0.5) ? 2 : 3;
  while (sweepDays.size < sweeps) sweepDays.add(weekRng.pick(workdays));
  const kinds = [...(sweepDays.has(date) ? ['carpet' as const] : []), ...(rng.chance(0.05) ? ['special' as const] : [])];
  for (const [i, kind] of kinds.entries()) {
    const found = Math.min(8, rng.poisson(3));
    let rectified = 0;
    for (let k = 0; k < found; k += 1) if (rng.chance(0.7)) rectified += 1;
    const morning = rng.chance(0.5);
    events.push({
      type: 'feed',
      kind: 'hazard-inspections',
      at: start + (morning ? 9 * HOUR : 14.5 * HOUR) + rng.int(0, 150) * MIN,
      input: {
        externalId: `sim-${seed}-${date}-insp-${i}`,
        kind,
        location: pointIn(pickArea(street, rng), rng),
        buildingsCovered: rng.int(4, 20),
        hazardsFound: found,
        hazardsRectified: rectified,
        simulated: true,
      },
    });
  }
  return events;
}

type AlarmSpec = { device: 'smoke' | 'gas' | 'bracelet'; type: string; outcomes: [string, number][]; resolveMedianMin: number; hours: number[] };
const COOKING = hours({ 6: 1, 7: 1.5, 10: 2, 11: 3, 12: 2, 16: 2, 17: 3, 18: 2.5, 19: 1 }, 0.4);
const FLAT = hours({}, 1);
const DAYTIME = hours({ 0: 0.3, 1: 0.3, 2: 0.3, 3: 0.3, 4: 0.3, 5: 0.5 }, 1);

function alarmsOfDay(street: SimStreet, seed: string, date: string, start: number): SimEvent[] {
  const rng = createRng(seed, date, 'alarms');
  // Per day: ~3 smoke (cooking 55 %, low battery 25 %, device 10 %, test 8 %, real fire rare),
  // bracelets SOS 0–2, falls 0–1, offline 3–6; a little gas.
  const plan: [AlarmSpec, number][] = [
    [{ device: 'smoke', type: 'smoke', outcomes: [['cooking_smoke', 55], ['device_false', 10], ['real_fire', 1.2]], resolveMedianMin: 8, hours: COOKING }, 3 * 0.662],
    [{ device: 'smoke', type: 'low_battery', outcomes: [['no_answer_visited', 1]], resolveMedianMin: 180, hours: DAYTIME }, 3 * 0.25],
    [{ device: 'smoke', type: 'test', outcomes: [['test', 1]], resolveMedianMin: 3, hours: hours({ 9: 1, 10: 1, 14: 1, 15: 1 }) }, 3 * 0.08],
    [{ device: 'bracelet', type: 'sos', outcomes: [['real_emergency', 30], ['no_answer_visited', 70]], resolveMedianMin: 10, hours: DAYTIME }, 1],
    [{ device: 'bracelet', type: 'fall', outcomes: [['real_emergency', 50], ['no_answer_visited', 50]], resolveMedianMin: 8, hours: DAYTIME }, 0.5],
    [{ device: 'bracelet', type: 'offline', outcomes: [['no_answer_visited', 1]], resolveMedianMin: 120, hours: FLAT }, 4.5],
    [{ device: 'gas', type: 'gas_leak', outcomes: [['cooking_smoke', 50], ['device_false', 50]], resolveMedianMin: 12, hours: COOKING }, 0.15],
  ];
  const events: SimEvent[] = [];
  let index = 0;
  for (const [spec, mean] of plan) {
    const n = rng.poisson(mean);
    for (let k = 0; k < n; k += 1) {
      const at = start + drawHour(rng, spec.hours) * HOUR + Math.floor(rng.next() * HOUR);
      const area = pickArea(street, rng);
      const [outcomes, weights] = pairs(spec.outcomes);
      const outcome = rng.weighted(outcomes, weights);
      const location = pointIn(area, rng);
      const i = index++;
      events.push({
        type: 'feed',
        kind: 'alarms',
        at,
        input: {
          externalId: `sim-${seed}-${date}-alarm-${i}`,
          device: spec.device,
          type: spec.type,
          deviceId: `${spec.device.toUpperCase()}-${area.id}-${rng.int(1, 9)}`,
          location,
          simulated: true,
        },
        resolve: { at: at + Math.max(MIN, rng.logNormal(spec.resolveMedianMin * MIN, 0.6)), outcome },
      });
      // A real fire behind a smoke alarm becomes an emergency incident (domain.md §4.7).
      if (outcome === 'real_fire') {
        const fire = makeIncident(rng, street, `sim-${seed}-${date}-fire-${i}`, at + MIN, 'iot', 'emergency', 'critical');
        fire.input = { ...fire.input, subcategory: '火情', title: '火情', location };
        events.push(fire);
      }
    }
  }
  return events;
}

// ---- market entities (domain.md §4.5) ----

const MONTH_FACTOR: Record<number, number> = { 2: 0.6, 3: 1.25, 9: 1.2 };
const INDUSTRY_SHARE: [string, number][] = [['F', 28], ['H', 22], ['L', 15], ['I', 10], ['O', 8], ['R', 6], ['Q', 5], ['J', 2], ['other', 4]];
/** ≈100 a month over ≈21.7 working days, a trickle at weekends. */
export const ENTITIES_PER_WORKDAY = 4.5;

function entitiesOfDay(street: SimStreet, seed: string, date: string, start: number): FeedEvent[] {
  const rng = createRng(seed, date, 'market-entities');
  const factor = MONTH_FACTOR[Number(date.slice(5, 7))] ?? 1;
  const n = rng.poisson((isWeekend(date) ? 0.4 : ENTITIES_PER_WORKDAY) * factor);
  const events: FeedEvent[] = [];
  const names = vocabulary.entityNames;
  for (let i = 0; i < n; i += 1) {
    const entityType = rng.weighted(['individual', 'enterprise', 'coop'] as const, [55, 44, 0.5]);
    const [industries, weights] = pairs(INDUSTRY_SHARE);
    const industry = rng.weighted(industries, weights);
    const suffixes = (names.suffix as Record<string, string[]>)[industry] ?? names.suffix.other;
    const building = street.businessBuildings.length > 0 && rng.chance(0.6) ? rng.pick(street.businessBuildings) : null;
    events.push({
      type: 'feed',
      kind: 'market-entities',
      at: start + 9 * HOUR + rng.int(0, 8 * 60 - 1) * MIN,
      input: {
        externalId: `sim-${seed}-${date}-entity-${i}`,
        name: `${rng.pick(names.prefixes)}${rng.pick(names.words)}${rng.pick(names.words)}${rng.pick(suffixes)}`,
        entityType,
        industry,
        ...(building ? { buildingName: building.name, location: near(building, rng, 30) } : { location: pointIn(pickArea(street, rng), rng) }),
        simulated: true,
      },
    });
  }
  return events;
}

// ---- party building (domain.md §4.6) ----

function activitiesOfDay(street: SimStreet, seed: string, date: string, start: number): FeedEvent[] {
  const rng = createRng(seed, date, 'volunteer-activities');
  // 5–12 a day; weekends are the busy days.
  const n = Math.min(12, Math.max(5, rng.poisson(isWeekend(date) ? 10 : 6)));
  const events: FeedEvent[] = [];
  for (let i = 0; i < n; i += 1) {
    const team = rng.pick(vocabulary.volunteerTeams);
    const duration = rng.pick([2, 2.5, 3, 3.5, 4]);
    const participants = rng.int(5, 30);
    const startHour = rng.weighted([8, 9, 10, 14, 15, 18, 19], [1, 2, 2, 2, 2, 1, 1]);
    events.push({
      type: 'feed',
      kind: 'volunteer-activities',
      // Recorded when the activity ends.
      at: start + (startHour + duration) * HOUR + rng.int(0, 29) * MIN,
      input: {
        externalId: `sim-${seed}-${date}-vol-${i}`,
        team: team.team,
        teamCategory: team.category,
        title: rng.pick(vocabulary.volunteerTitles),
        hours: duration * participants,
        participants,
        points: participants * rng.int(2, 5),
        location: pointIn(pickArea(street, rng), rng),
        simulated: true,
      },
    });
  }
  return events;
}

const GENERATORS: Record<ModelStream, (street: SimStreet, seed: string, date: string, start: number) => SimEvent[]> = {
  incidents: incidentsOfDay,
  'canteen-meals': mealsOfDay,
  'fire-drills': drillsOfDay,
  'hazard-inspections': inspectionsOfDay,
  alarms: alarmsOfDay,
  'market-entities': entitiesOfDay,
  'volunteer-activities': activitiesOfDay,
};

/** Everything that happens on `date` (in the street's zone), in time order. */
export function generateDay(street: SimStreet, seed: string, date: string, streams: readonly ModelStream[] = ALL_STREAMS): DayPlan {
  const start = dayStart(date, street.timeZone);
  const events = streams.flatMap((s) => GENERATORS[s](street, seed, date, start));
  events.sort((a, b) => a.at - b.at);
  return { date, events };
}
