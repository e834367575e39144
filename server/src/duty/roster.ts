// The duty roster (值班表): shift times and who is on which shift, by date or by weekday.
// Read and validated once at start; a bad file stops the start naming the file and the field.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { storableString } from '@grid141/shared';

export const ROSTER_FILE = 'duty-roster.json';

const time = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM (00:00-23:59)');
const span = z.object({ start: time, end: time });
// Names are shown on every wall and signed into handover sheets: the API's text rule (docs/api.md, "Text").
const name = storableString().trim().min(1, 'must not be empty');
const shift = z.enum(['day', 'night'], { error: 'must be day or night' });
const names = {
  shift,
  /** 带班领导 */
  leader: name,
  /** 值班员 */
  officers: z.array(name).min(1, 'must name at least one officer'),
};

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

export const DutyRosterSchema = z
  .object({
    /** Made-up names (a demo roster), shown as such. */
    synthetic: z.boolean().default(false),
    note: z.string().optional(),
    shifts: z
      .object({ day: span, night: span })
      .refine(({ day }) => minutes(day.start) < minutes(day.end), { message: 'day must start before it ends, within one date', path: ['day'] })
      .refine(({ day, night }) => night.start === day.end && night.end === day.start, {
        message: 'night must start when day ends and end when day starts',
        path: ['night'],
      }),
    weekly: z.array(z.object({ weekday: z.number().int().min(1, 'must be 1 (Monday) to 7 (Sunday)').max(7, 'must be 1 (Monday) to 7 (Sunday)'), ...names })).default([]),
    dates: z.array(z.object({ date: z.iso.date('must be a date YYYY-MM-DD'), ...names })).default([]),
  })
  .superRefine((roster, ctx) => {
    // Two entries for one shift would make the wall's answer depend on their order.
    const once = (list: 'weekly' | 'dates', keys: string[]) => {
      const seen = new Set<string>();
      keys.forEach((key, i) => {
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [list, i], message: `${key} is listed twice` });
        seen.add(key);
      });
    };
    once('weekly', roster.weekly.map((e) => `weekday ${e.weekday} ${e.shift}`));
    once('dates', roster.dates.map((e) => `${e.date} ${e.shift}`));
  });

export type DutyRoster = z.output<typeof DutyRosterSchema>;
export type ShiftTimes = DutyRoster['shifts'];

export class DutyRosterError extends Error {
  override name = 'DutyRosterError';
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
  }
}

/** DUTY_ROSTER if set, else <DATA_DIR>/duty-roster.json, else the street folder's; null when there is none. */
export function findRoster(config: { duty: { roster: string | null }; dataDir: string; streetsDir: string; streetId: string }): string | null {
  if (config.duty.roster) return config.duty.roster;
  for (const candidate of [path.join(config.dataDir, ROSTER_FILE), path.join(config.streetsDir, config.streetId, ROSTER_FILE)]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export async function readRoster(file: string): Promise<DutyRoster> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DutyRosterError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DutyRosterError(file, `is not valid JSON (${(err as Error).message})`);
  }
  const parsed = DutyRosterSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || '(root)' : '(root)';
    throw new DutyRosterError(file, `invalid at ${where}: ${issue?.message ?? 'unknown problem'}`);
  }
  return parsed.data;
}
