// A past week in the Summary's shape, so the wall's own board components draw it on a slide
// (with the board source's span 'week': their "today", "this week" and "this month" figures
// are the week's, "now" is the week's end, and the last-24-hours rows are the seven days).
import { emptySummary, type Summary, type WeeklyReport } from '@grid141/shared';

const TOP_TEAMS = 5;

export function weekSummary(report: WeeklyReport): Summary {
  const week = report.current;
  const summary = emptySummary(report.streetId, week.to);
  summary.simulated = report.simulated;
  const i = week.incidents;
  summary.incidents.today = {
    total: i.reported, open: i.openAtEnd, overdue: i.overdueAtEnd, closed: i.closed,
    byStatus: {}, byColour: i.byColour, byCategory: i.byCategory, bySource: i.bySource, byCommunity: i.byCommunity, byGrid: i.byGrid,
  };
  // The safety board's hourly chart shows the week's days: `hour` is each day's date at 00:00.
  summary.incidents.hourly = i.daily.map((d) => ({ hour: `${d.date}T00:00:00${week.from.slice(19)}`, reported: d.reported, closed: d.closed }));
  summary.incidents.sla = {
    responseOnTimeRate: i.responseOnTimeRate, resolveOnTimeRate: i.resolveOnTimeRate,
    medianResponseMin: i.medianResponseMin, medianResolveMin: i.medianResolveMin,
  };
  const s = week.safety;
  summary.safety = {
    drills: { weekToDate: s.drills, yearToDate: s.drillsYearToEnd, participantsWeekToDate: s.drillParticipants },
    hazards: { foundWeekToDate: s.hazardsFound, rectifiedWeekToDate: s.hazardsRectified, open: s.hazardsOpenAtEnd },
    alarms: { today: s.alarms, unresolved: s.alarmsUnresolvedAtEnd },
  };
  const m = week.livelihood;
  summary.livelihood.meals = { today: m.meals, byTier: m.byTier, byCanteen: m.byCanteen, delivered: m.delivered, quarterHourly: m.quarterHourly };
  const e = week.economy;
  summary.economy.marketEntities = {
    total: e.activeAtEnd, newMonthToDate: e.newEntities, newYearToDate: e.newYearToEnd, byType: e.byType, byIndustry: e.byIndustry, monthly: e.monthly,
  };
  const p = week.party;
  summary.party = {
    volunteerHoursWeekToDate: p.volunteerHours, activitiesWeekToDate: p.activities, pointsWeekToDate: p.points,
    topTeams: p.byTeam.slice(0, TOP_TEAMS), hoursByCategoryWeekToDate: p.hoursByCategory,
  };
  return summary;
}
