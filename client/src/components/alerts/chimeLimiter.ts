// When the alert chime may sound: once per burst (alerts less than BURST_GAP_MS apart are one
// burst), again within a burst only when a person is in danger and the burst had not said so yet,
// and never more than CHIMES_PER_MINUTE in any minute. A storm of 200 smoke alarms chimed 201
// times in 4 s before (issue 8 §5).

export const BURST_GAP_MS = 20_000;
export const CHIMES_PER_MINUTE = 4;
/** alertRank of a person in danger (SOS, fall, abnormal heart rate, critical incident). */
const PERSON = 3;

export class ChimeLimiter {
  private lastAlertAt = Number.NEGATIVE_INFINITY;
  private burstRank = 0;
  private readonly recent: number[] = [];

  /** Called for every newly arrived live alert; true when this one should chime. */
  admit(rank: number, now: number): boolean {
    const newBurst = now - this.lastAlertAt >= BURST_GAP_MS;
    this.lastAlertAt = now;
    if (newBurst) this.burstRank = 0;
    const wanted = newBurst || (rank >= PERSON && this.burstRank < PERSON);
    this.burstRank = Math.max(this.burstRank, rank);
    if (!wanted) return false;
    while (this.recent.length > 0 && now - (this.recent[0] as number) >= 60_000) this.recent.shift();
    if (this.recent.length >= CHIMES_PER_MINUTE) return false;
    this.recent.push(now);
    return true;
  }
}
