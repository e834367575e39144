// The alert ids this screen acknowledged, kept in localStorage so a reload (or the wall's own
// reload on a new server version) does not bring back what the operator already acknowledged.
const STORAGE_KEY = 'grid141.acknowledgedAlerts';
/**
 * Ids remembered, newest kept: more than the server replays (130 groups, each one id) and than a
 * storm acknowledged in one go (a group remembers all its ids).
 */
export const ACKNOWLEDGED_MEMORY = 2_000;

function read(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string').slice(-ACKNOWLEDGED_MEMORY) : [];
  } catch {
    return []; // storage disabled in a locked-down kiosk browser, or a broken value
  }
}

const ids = new Set(read());

export function wasAcknowledged(id: string): boolean {
  return ids.has(id);
}

/** Remembers ids acknowledged together (a folded group), written to storage once. */
export function rememberAcknowledged(acknowledged: readonly string[]): void {
  // Re-inserted at the end: a Set iterates in insertion order, the first is the oldest.
  for (const id of acknowledged) {
    ids.delete(id);
    ids.add(id);
  }
  while (ids.size > ACKNOWLEDGED_MEMORY) ids.delete(ids.values().next().value as string);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify([...ids]));
  } catch {
    // not remembered across reloads, but acknowledged for this session
  }
}
