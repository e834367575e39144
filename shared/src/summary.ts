// The figures on the wall (contract.md "Summary"): one object, kept by the server,
// sent whole on connect and as small deltas after.
import { z } from 'zod';

const counts = z.record(z.string(), z.number());
const rate = z.number().min(0).max(1).nullable();

export const summarySchema = z.object({
  streetId: z.string(),
  at: z.string(),
  seq: z.number().int(),
  /** True while any figure includes records marked simulated (the demo feed). */
  simulated: z.boolean(),
  incidents: z.object({
    today: z.object({
      /** Reported today. */
      total: z.number(),
      /** Open now, whenever reported. */
      open: z.number(),
      /** Open now and past their due time. */
      overdue: z.number(),
      /** Closed (status `closed`, 办结) today, whenever reported; rejected and merged are not closures. */
      closed: z.number(),
      /** Current status of the incidents reported today. */
      byStatus: counts,
      byColour: counts,
      byCategory: counts,
      bySource: counts,
      byCommunity: counts,
      byGrid: counts,
    }),
    /** The last 24 hours, oldest first; `hour` is the hour's start (ISO with offset). */
    hourly: z.array(z.object({ hour: z.string(), reported: z.number(), closed: z.number() })),
    /** The last 30 days, oldest first; onTimeRate of those closed that day. */
    daily: z.array(z.object({ date: z.string(), reported: z.number(), closed: z.number(), onTimeRate: rate })),
    /** The last 7 calendar days (today and the 6 before). Response: accepted in the window, within the
     *  profile's accept target; resolve: closed in the window by dueAt. Medians in minutes, one decimal. */
    sla: z.object({
      responseOnTimeRate: rate,
      resolveOnTimeRate: rate,
      medianResponseMin: z.number().nullable(),
      medianResolveMin: z.number().nullable(),
    }),
    outsideAreaToday: z.number(),
  }),
  safety: z.object({
    drills: z.object({ weekToDate: z.number(), yearToDate: z.number(), participantsWeekToDate: z.number() }),
    /** `open`: Σ(found − rectified) over every inspection ever taken. */
    hazards: z.object({ foundWeekToDate: z.number(), rectifiedWeekToDate: z.number(), open: z.number() }),
    /** `unresolved`: every alarm without resolvedAt, whenever it occurred. */
    alarms: z.object({ today: z.number(), unresolved: z.number() }),
  }),
  livelihood: z.object({
    meals: z.object({
      today: z.number(),
      byTier: counts,
      byCanteen: counts,
      delivered: z.number(),
      /** Today's quarter hours, from midnight; `t` is "HH:MM". */
      quarterHourly: z.array(z.object({ t: z.string(), meals: z.number() })),
    }),
  }),
  economy: z.object({
    marketEntities: z.object({
      /** Active (not deregistered) entities, all time; byType and byIndustry split these. */
      total: z.number(),
      newMonthToDate: z.number(),
      newYearToDate: z.number(),
      byType: counts,
      byIndustry: counts,
      /** The last 12 months, oldest first; `month` is "YYYY-MM". */
      monthly: z.array(z.object({ month: z.string(), new: z.number() })),
    }),
  }),
  party: z.object({
    volunteerHoursWeekToDate: z.number(),
    activitiesWeekToDate: z.number(),
    pointsWeekToDate: z.number(),
    /** The 5 teams with the most hours this week (hours > 0), ties by team name. */
    topTeams: z.array(z.object({ team: z.string(), hours: z.number() })),
    /** Hours this week by team category (VOLUNTEER_CATEGORIES); activities without one are left out. */
    hoursByCategoryWeekToDate: counts,
  }),
});
export type Summary = z.infer<typeof summarySchema>;

/** A summary with nothing counted yet (the windows are filled by the figures engine). */
export function emptySummary(streetId: string, at: string): Summary {
  return {
    streetId,
    at,
    seq: 0,
    simulated: false,
    incidents: {
      today: { total: 0, open: 0, overdue: 0, closed: 0, byStatus: {}, byColour: {}, byCategory: {}, bySource: {}, byCommunity: {}, byGrid: {} },
      hourly: [],
      daily: [],
      sla: { responseOnTimeRate: null, resolveOnTimeRate: null, medianResponseMin: null, medianResolveMin: null },
      outsideAreaToday: 0,
    },
    safety: {
      drills: { weekToDate: 0, yearToDate: 0, participantsWeekToDate: 0 },
      hazards: { foundWeekToDate: 0, rectifiedWeekToDate: 0, open: 0 },
      alarms: { today: 0, unresolved: 0 },
    },
    livelihood: { meals: { today: 0, byTier: {}, byCanteen: {}, delivered: 0, quarterHourly: [] } },
    economy: { marketEntities: { total: 0, newMonthToDate: 0, newYearToDate: 0, byType: {}, byIndustry: {}, monthly: [] } },
    party: { volunteerHoursWeekToDate: 0, activitiesWeekToDate: 0, pointsWeekToDate: 0, topTeams: [], hoursByCategoryWeekToDate: {} },
  };
}
