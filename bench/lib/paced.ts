// Posts single incidents at a steady rate, as reporting systems do, and keeps each one's post
// time and the order in which the server acknowledged them.
import { clock, sleep } from './stats.ts';
import { postIncidents, type IncidentBody } from './incidents.ts';

export interface PacedRun {
  posted: Record<string, number>;
  /** Post times in acknowledgement order (the order the figures count them). */
  ackOrder: number[];
  /** Acknowledgement times, same order. */
  ackTimes: number[];
  failed: number;
  /** POST round trips, ms. */
  roundTrips: number[];
  seconds: number;
  /** Posts that went out more than 50 ms after their slot (the poster itself was late). */
  late: number;
}

export async function postPaced(url: string, key: string, bodies: IncidentBody[], ratePerS: number, maxInFlight = 200): Promise<PacedRun> {
  const posted: Record<string, number> = {};
  const acks: { at: number; sent: number }[] = [];
  const roundTrips: number[] = [];
  let failed = 0, late = 0, inFlight = 0, i = 0;
  const pending = new Set<Promise<void>>();
  const started = clock();
  const hardStop = started + (bodies.length / ratePerS) * 1000 * 3 + 30_000;
  while (i < bodies.length && clock() < hardStop) {
    const due = started + (i * 1000) / ratePerS;
    const wait = due - clock();
    if (wait > 1) { await sleep(wait); continue; }
    if (inFlight >= maxInFlight) { await sleep(2); continue; }
    if (-wait > 50) late += 1;
    const body = bodies[i++] as IncidentBody;
    const sent = clock();
    posted[body.externalId] = sent;
    inFlight += 1;
    const p = postIncidents(url, key, [body]).then(
      (r) => {
        const at = clock();
        roundTrips.push(at - sent);
        if (r.status === 201) acks.push({ at, sent }); else failed += 1;
      },
      () => { failed += 1; },
    ).finally(() => { inFlight -= 1; pending.delete(p); });
    pending.add(p);
  }
  await Promise.race([Promise.all(pending), sleep(30_000)]);
  acks.sort((a, b) => a.at - b.at);
  return { posted, ackOrder: acks.map((a) => a.sent), ackTimes: acks.map((a) => a.at), failed, roundTrips, seconds: (clock() - started) / 1000, late };
}
