// Which incidents the wall keeps: today's (in the street's time zone) and every open one, bounded.
import { isOpenStatus, type Incident } from '@grid141/shared';

export const INCIDENT_CAP = 2000;

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** YYYY-MM-DD of an instant in a time zone. */
export function dayIn(timeZone: string, at: Date | string | number): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(new Date(at));
}

export function keepIncident(incident: Incident, today: string, timeZone: string): boolean {
  return isOpenStatus(incident.status) || dayIn(timeZone, incident.reportedAt) === today;
}

/** Drops what fell out of the window, then the oldest until the cap holds. Mutates `map`. */
export function pruneIncidents(map: Map<string, Incident>, today: string, timeZone: string, cap = INCIDENT_CAP): void {
  for (const [id, incident] of map) {
    if (!keepIncident(incident, today, timeZone)) map.delete(id);
  }
  if (map.size <= cap) return;
  const oldestFirst = [...map.values()].sort((a, b) => Date.parse(a.reportedAt) - Date.parse(b.reportedAt));
  for (const incident of oldestFirst.slice(0, map.size - cap)) map.delete(incident.id);
}
