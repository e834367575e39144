// The live figures: calendar helpers, the counters, their reducers, and the recount oracle.
export * from './calendar.ts';
export { createFiguresState, windowsAt, DAILY_DAYS, SLA_DAYS, HOURLY_HOURS, MONTHLY_MONTHS, TOP_TEAMS, type FiguresState, type Windows } from './state.ts';
export { foldIncident, unfoldIncident, acceptTargetMs, type IncidentFacts } from './fold-incident.ts';
export { foldFeed, unfoldFeed, foldFeedUpdate, hoursToMilli } from './fold-feed.ts';
export { advanceClock } from './clock.ts';
export { toSummary } from './to-summary.ts';
export { recount, type AnyFeedRecord } from './recount.ts';
