// Where a board gets its figures. The wall provides the live store; a report slide provides one
// past week (weekSummary in ../report/weekSummary.ts), a snapshot the live store again. Boards
// never read the wall store themselves, so the same component draws all three.
import { inject, provide, type InjectionKey } from 'vue';
import type { Summary } from '@grid141/shared';
import type { StreetInfo } from '../stores/wallTypes.ts';

/**
 * 'live': the wall's own windows (today, this week, this month as of now).
 * 'week': one ISO week that has ended; every "today", "this week" and "this month" figure of
 * the summary holds that week's, and `incidents.hourly` holds its seven days.
 */
export type BoardSpan = 'live' | 'week';

export interface BoardSource {
  readonly summary: Summary | null;
  readonly street: StreetInfo | null;
  /** IANA zone of the street (TZ_STREET). */
  readonly timeZone: string;
  readonly span: BoardSpan;
}

const BOARD_SOURCE: InjectionKey<BoardSource> = Symbol('boardSource');

/** Give the boards below this component their figures; pass a reactive object (getters). */
export function provideBoardSource(source: BoardSource): void {
  provide(BOARD_SOURCE, source);
}

/** The figures of the board being set up; throws when no ancestor provided any (a wiring bug). */
export function useBoardSource(): BoardSource {
  const source = inject(BOARD_SOURCE, null);
  if (!source) throw new Error('a board was mounted without a board source (provideBoardSource)');
  return source;
}

/** The source when there is one (KeyNumber is used outside boards too). */
export function useOptionalBoardSource(): BoardSource | null {
  return inject(BOARD_SOURCE, null);
}

/** On a past week's slide the day, week and month figures are the week's; "now" is its end. */
export function periodOnSpan<P extends string>(period: P, span: BoardSpan): P | 'week' | 'weekEnd' {
  if (span === 'live') return period;
  if (period === 'today' || period === 'week' || period === 'month') return 'week';
  return period === 'now' ? 'weekEnd' : period;
}
