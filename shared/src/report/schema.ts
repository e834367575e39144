// The weekly report's figures (GET /api/v1/reports/weekly): one ISO week against the week before,
// computed from the store. Beside `Summary` (the live figures); see docs/reports.md.
import { z } from 'zod';

const counts = z.record(z.string(), z.number());
/** 0..1, null when there was nothing to rate (no incident accepted or closed). */
const rate = z.number().min(0).max(1).nullable();

export const weekFiguresSchema = z.object({
  /** 'YYYY-Www' */
  week: z.string(),
  /** Monday 00:00 and the next Monday 00:00 in TZ_STREET, ISO with offset (`to` exclusive). */
  from: z.string(),
  to: z.string(),
  /** The seven days, 'YYYY-MM-DD'. */
  days: z.array(z.string()),
  /** Any record counted was marked simulated (the demo feed). */
  simulated: z.boolean(),
  incidents: z.object({
    /** Reported in the week. */
    reported: z.number(),
    /** Closed (办结) in the week, whenever reported. */
    closed: z.number(),
    /** Open at the week's end (from the incident history), whenever reported. */
    openAtEnd: z.number(),
    /** Open at the week's end and past their due time then. */
    overdueAtEnd: z.number(),
    /** Of the incidents reported in the week. */
    byCategory: counts,
    byCommunity: counts,
    bySource: counts,
    byColour: counts,
    byGrid: counts,
    /** Reported and closed per day of the week. */
    daily: z.array(z.object({ date: z.string(), reported: z.number(), closed: z.number() })),
    /** Accepted in the week within the profile's accept target, of all accepted in the week. */
    responseOnTimeRate: rate,
    /** Closed in the week by their due time, of all closed in the week. */
    resolveOnTimeRate: rate,
    /** Minutes, one decimal: reported → accepted (accepted in the week), reported → closed (closed in the week). */
    medianResponseMin: z.number().nullable(),
    medianResolveMin: z.number().nullable(),
    /** Reported in the week: 公家事 (red) and critical urgency. */
    red: z.number(),
    critical: z.number(),
  }),
  safety: z.object({
    drills: z.number(),
    /** Drills from 1 January to the week's end (the year of its Sunday). */
    drillsYearToEnd: z.number(),
    drillParticipants: z.number(),
    drillsByKind: counts,
    hazardsFound: z.number(),
    hazardsRectified: z.number(),
    /** Σ(found − rectified) of every inspection before the week's end. */
    hazardsOpenAtEnd: z.number(),
    alarms: z.number(),
    alarmsByType: counts,
    /** Alarms that occurred before the week's end and were not resolved by then. */
    alarmsUnresolvedAtEnd: z.number(),
  }),
  livelihood: z.object({
    /** Meals (quantity summed) served in the week. */
    meals: z.number(),
    delivered: z.number(),
    daily: z.array(z.object({ date: z.string(), meals: z.number() })),
    byTier: counts,
    byCanteen: counts,
    /** The seven days added per quarter hour of the day, "HH:MM" from 00:00 (96 rows). */
    quarterHourly: z.array(z.object({ t: z.string(), meals: z.number() })),
  }),
  economy: z.object({
    /** Registered in the week. */
    newEntities: z.number(),
    newByIndustry: counts,
    newByType: counts,
    /** Registered before the week's end and not deregistered by then. */
    activeAtEnd: z.number(),
    byType: counts,
    byIndustry: counts,
    /** Registered from 1 January to the week's end (the year of the week's Sunday). */
    newYearToEnd: z.number(),
    /** The 12 months up to the week's end, oldest first, "YYYY-MM". */
    monthly: z.array(z.object({ month: z.string(), new: z.number() })),
  }),
  party: z.object({
    volunteerHours: z.number(),
    activities: z.number(),
    participants: z.number(),
    points: z.number(),
    /** Every team with hours in the week, most first (ties by name). */
    byTeam: z.array(z.object({ team: z.string(), hours: z.number() })),
    hoursByCategory: counts,
  }),
});
export type WeekFigures = z.infer<typeof weekFiguresSchema>;

/** One key figure against the week before. */
export const weekChangeSchema = z.object({
  /** Dotted path in WeekFigures, e.g. 'incidents.reported'. */
  key: z.string(),
  /** 'count', 'rate' (0..1), 'minutes' or 'hours'. */
  unit: z.enum(['count', 'rate', 'minutes', 'hours']),
  current: z.number().nullable(),
  previous: z.number().nullable(),
  /** current − previous; for a rate in percentage points (one decimal); null when either is null. */
  delta: z.number().nullable(),
  /** Relative change in percent, one decimal; null for rates and when previous is 0 or null. */
  pct: z.number().nullable(),
  direction: z.enum(['up', 'down', 'flat', 'none']),
  /** Which way is good: 'up' (more drills), 'down' (fewer overdue), null (neither). */
  better: z.enum(['up', 'down']).nullable(),
});
export type WeekChange = z.infer<typeof weekChangeSchema>;

/** A grid's place in the week's ranking (docs/reports.md gives the formula). */
export const gridScoreSchema = z.object({
  gridId: z.string(),
  communityId: z.string().nullable(),
  population: z.number(),
  reported: z.number(),
  /** Reported in the week and closed by its end (rejected and merged ones left out). */
  closedOfReported: z.number(),
  closed: z.number(),
  closedOnTime: z.number(),
  /** Reported in the week and open at its end: past due then, and not yet due. */
  overdueOpen: z.number(),
  notDueOpen: z.number(),
  /** T of the formula as used in the score, 0..1 to 0.001 (the street's own when nothing of the grid was due). */
  onTimeRate: z.number(),
  /** C of the formula as used in the score, 0..1 to 0.001 (the street's own when nothing of the grid was closable). */
  closureRate: z.number(),
  /** Which terms of the score are the street's own: T (nothing due), C (nothing closable), L (nothing reported). */
  borrowed: z.object({ onTime: z.boolean(), closure: z.boolean(), load: z.boolean() }),
  /** True when any term of the score is the street's own (any of `borrowed`). */
  streetRates: z.boolean(),
  /** Reported per 1,000 residents as used in L, to 0.1: the grid's, or the street's when it reported nothing (`borrowed.load`). */
  perThousand: z.number(),
  /** The street's highest grid reported per 1,000 residents that week, to 0.1: L = 1 − perThousand / this (L = 1 when it is 0). */
  highestPerThousand: z.number(),
  /** 0..100, one decimal. */
  score: z.number(),
  /** 1..5 */
  stars: z.number().int().min(1).max(5),
  /** 三级: 'lead' (4–5 stars), 'standard' (3), 'improve' (1–2). */
  tier: z.enum(['lead', 'standard', 'improve']),
  /** 1 is best; equal scores share a rank (1, 2, 2, 4). */
  rank: z.number().int(),
  /** How many grids share this rank (1 when alone). */
  tied: z.number().int().min(1),
});
export type GridScore = z.infer<typeof gridScoreSchema>;

export const notableSchema = z.object({
  kind: z.enum(['incident', 'alarm', 'drill']),
  at: z.string(),
  /** The incident or feed record id. */
  id: z.string(),
  /** Incident: its category; alarm: its type; drill: its kind. */
  code: z.string(),
  colour: z.string().nullable(),
  urgency: z.string().nullable(),
  gridId: z.string().nullable(),
  communityId: z.string().nullable(),
  /** What to read: the incident's title (or the start of its description), the alarm's address, the drill's building. */
  text: z.string(),
  /** Incident: status now; alarm: 'resolved' | 'unresolved'; drill: its result or ''. */
  state: z.string(),
  simulated: z.boolean(),
});
export type NotableEvent = z.infer<typeof notableSchema>;

export const weeklyReportSchema = z.object({
  streetId: z.string(),
  week: z.string(),
  timeZone: z.string(),
  generatedAt: z.string(),
  /** Any record of either week was simulated: slides carry the 模拟数据 mark. */
  simulated: z.boolean(),
  /** False when the week holds no record at all ("no data"; every figure is zero or null). */
  hasData: z.boolean(),
  current: weekFiguresSchema,
  previous: weekFiguresSchema,
  changes: z.array(weekChangeSchema),
  ranking: z.array(gridScoreSchema),
  notable: z.array(notableSchema),
});
export type WeeklyReport = z.infer<typeof weeklyReportSchema>;
