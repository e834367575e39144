// Configuration from the environment, validated once at start: a bad value stops the
// server with one line naming the variable (contract.md, Configuration).
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import { Cron } from 'croner';
import { isTileTemplate, parseDesignSize, parseDuplicateRules, parseRotation, type DuplicateRuleSet, type WallConfig } from '@grid141/shared';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isCronPattern(value: string): boolean {
  try {
    new Cron(value, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

function isUrl(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const optionalText = z.string().trim().min(1).optional();
const secret = z.string().min(16, 'must be at least 16 characters').optional();

// One entry per variable, so each error names exactly one variable.
const variables = {
  PORT: z.coerce
    .number({ error: 'must be an integer port number (0-65535)' })
    .int('must be an integer port number (0-65535)')
    .min(0, 'must be an integer port number (0-65535)')
    .max(65535, 'must be an integer port number (0-65535)')
    .default(8080),
  HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./var'),
  DATABASE_URL: z
    .string()
    .refine((v) => isUrl(v, ['postgres:', 'postgresql:']), 'must be a postgres:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .refine((v) => isUrl(v, ['redis:', 'rediss:']), 'must be a redis:// URL')
    .optional(),
  STREET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a street folder name (lower-case letters, digits, - and _)')
    .default('shiyoulu'),
  STREETS_DIR: z.string().trim().min(1, 'must not be empty').default(path.join(REPO_ROOT, 'data', 'streets')),
  TZ_STREET: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
  SIMULATE: z.enum(['0', '1'], { error: 'must be 0 or 1' }).default('0'),
  SIMULATE_SPEED: z.coerce
    .number({ error: 'must be a positive number' })
    .positive('must be a positive number')
    .max(100_000, 'must be at most 100000')
    .default(1),
  INGEST_API_KEY: secret,
  VIEWER_TOKEN: secret,
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  DUTY_OFFICER: optionalText,
  DUTY_LEADER: optionalText,
  DUTY_ROSTER: z.string().trim().min(1, 'must not be empty').optional(),
  // The wall's setup for every screen this server feeds; a wall's own ?layout= / ?rotate= wins.
  WALL_LAYOUT: z
    .string()
    .refine((v) => parseDesignSize(v) !== null, 'must be a design size WxH of at least 640x360, e.g. 5760x2160')
    .optional(),
  WALL_ROTATE: z
    .string()
    .refine((v) => parseRotation(v) !== null, 'must be seconds per board (at least 5), e.g. 20, or board:seconds pairs, e.g. party:30,safety:15')
    .optional(),
  BASEMAP_TILES: z
    .string()
    .refine(isTileTemplate, 'must be an http(s) tile URL template with {z}, {x} and {y}')
    .optional(),
  BASEMAP_ATTRIBUTION: optionalText,
  // Serving under a sub-path behind a reverse proxy (docs/deploy.md): '/grid141', never a trailing slash.
  BASE_PATH: z
    .string()
    .trim()
    .transform((v) => v.replace(/\/+$/, ''))
    .refine((v) => v === '' || /^(\/[A-Za-z0-9._~-]+)+$/.test(v), 'must be a path such as /grid141 (letters, digits, . _ ~ - between slashes)')
    .optional(),
  // Which peers may set X-Forwarded-For/-Proto/-Host (Express `trust proxy`, docs/deploy.md):
  // behind a proxy that is not on loopback (a container behind the host's nginx) name its address.
  TRUST_PROXY: z
    .string()
    .trim()
    .refine(
      (v) => parseTrustProxy(v) !== null,
      'must be loopback, linklocal, uniquelocal, IP addresses or CIDR ranges (comma-separated, e.g. loopback,172.17.0.1), or a hop count such as 1',
    )
    .default('loopback'),
  // Who may frame the pages (CSP frame-ancestors); unset refuses every frame (docs/security.md).
  FRAME_ANCESTORS: z
    .string()
    .trim()
    .refine((v) => parseFrameAncestors(v) !== null, "must be 'self' or space-separated origins such as https://portal.example.org")
    .optional(),
  // Where incident photos may be shown from (CSP img-src), e.g. the 网格员App's or the 12345
  // hotline's file server; unset: only photos Grid141 serves itself (docs/security.md).
  PHOTO_HOSTS: z
    .string()
    .trim()
    .refine((v) => parseOrigins(v) !== null, 'must be space-separated origins such as https://files.example.org')
    .optional(),
  // The weekly report's schedule (docs/reports.md): a cron pattern in TZ_STREET; REPORTS=0 turns it off.
  REPORTS: z.enum(['0', '1'], { error: 'must be 0 or 1' }).default('1'),
  REPORTS_SCHEDULE: z.string().trim().refine(isCronPattern, 'must be a cron pattern such as "0 8 * * 1" (Monday 08:00)').default('0 8 * * 1'),
  // Sessions (docs/security.md): idle and absolute expiry, and how long repeated failures lock an account.
  SESSION_IDLE_MINUTES: z.coerce.number({ error: 'must be minutes from 1 to 10080' }).int('must be whole minutes').min(1, 'must be minutes from 1 to 10080').max(10_080, 'must be minutes from 1 to 10080').default(120),
  SESSION_MAX_HOURS: z.coerce.number({ error: 'must be hours from 1 to 720' }).int('must be whole hours').min(1, 'must be hours from 1 to 720').max(720, 'must be hours from 1 to 720').default(12),
  SIGNIN_LOCK_MINUTES: z.coerce.number({ error: 'must be minutes from 1 to 1440' }).int('must be whole minutes').min(1, 'must be minutes from 1 to 1440').max(1440, 'must be minutes from 1 to 1440').default(15),
  SERVICE_AREA_KM: z.coerce
    .number({ error: 'must be a distance in km from 0.1 to 1000' })
    .min(0.1, 'must be a distance in km from 0.1 to 1000')
    .max(1000, 'must be a distance in km from 0.1 to 1000')
    .default(20),
  // Possible duplicates (docs/api.md, "Duplicates"): per category, how near and how close in time.
  DUPLICATE_RULES: z
    .string()
    .refine((v) => parseDuplicateRules(v) !== null, 'must be category:metres/minutes pairs (metres 1-1000, minutes 1-1440), e.g. emergency:200/90,default:50/30')
    .optional(),
} as const;

type Variables = typeof variables;
type Parsed = { [K in keyof Variables]: z.output<Variables[K]> };

export interface Config {
  port: number;
  host: string;
  /** Absolute path. */
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  streetId: string;
  /** Absolute path of the folder holding one folder per street. */
  streetsDir: string;
  timeZone: string;
  simulate: boolean;
  simulateSpeed: number;
  /** From the environment; null means "generate or reuse from DATA_DIR". */
  ingestApiKey: string | null;
  viewerToken: string | null;
  adminPassword: string | null;
  logLevel: LogLevel;
  /** officer and leader replace the roster's names when set; roster is DUTY_ROSTER (absolute), null to look for one. */
  duty: { officer: string | null; leader: string | null; roster: string | null };
  /** Written into the page for every wall (see WallConfig in shared). */
  wall: WallConfig;
  /**
   * TRUST_PROXY as Express's `trust proxy` setting: the peers whose X-Forwarded-* headers are
   * believed (names, IPs, CIDRs), or how many proxy hops in front; default ['loopback'].
   */
  trustProxy: string[] | number;
  /** BASE_PATH: '' at the root, else '/grid141' (leading slash, no trailing one); every route, asset and the socket live under it. */
  basePath: string;
  /** PHOTO_HOSTS: origins incident photos may be loaded from (CSP img-src); empty: Grid141 only. */
  photoHosts: string[];
  /** FRAME_ANCESTORS as CSP sources ("'self'", 'https://portal.example.org'); empty refuses every frame. */
  frameAncestors: string[];
  /** The weekly report's schedule: a cron pattern in timeZone, null when REPORTS=0. */
  reportSchedule: string | null;
  /** Records placed farther than this from the street's boundary are refused (km; docs/api.md, "Service area"). */
  serviceAreaKm: number;
  /** Sessions end after this long unused, and this long after sign-in at the latest; failures lock an account this long (ms). */
  sessions: { idleMs: number; maxMs: number; lockMs: number };
  /** DUPLICATE_RULES over the built-in table: the radius (m) and window (min) of a possible duplicate, per category. */
  duplicates: DuplicateRuleSet;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = {} as Record<string, unknown>;
  for (const [name, schema] of Object.entries(variables)) {
    const raw = env[name];
    // An empty variable counts as unset, as shells and .env files often leave them.
    const result = (schema as z.ZodType).safeParse(raw === '' ? undefined : raw);
    if (!result.success) {
      const message = result.error.issues[0]?.message ?? 'is invalid';
      const shown = raw === undefined ? '' : ` (got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)})`;
      throw new ConfigError(name, `${message}${isSecret(name) ? '' : shown}`);
    }
    parsed[name] = result.data;
  }
  const v = parsed as Parsed;
  return {
    port: v.PORT,
    host: v.HOST,
    dataDir: path.resolve(cwd, v.DATA_DIR),
    databaseUrl: v.DATABASE_URL ?? null,
    redisUrl: v.REDIS_URL ?? null,
    streetId: v.STREET,
    streetsDir: path.resolve(cwd, v.STREETS_DIR),
    timeZone: v.TZ_STREET,
    simulate: v.SIMULATE === '1',
    simulateSpeed: v.SIMULATE_SPEED,
    ingestApiKey: v.INGEST_API_KEY ?? null,
    viewerToken: v.VIEWER_TOKEN ?? null,
    adminPassword: v.ADMIN_PASSWORD ?? null,
    logLevel: v.LOG_LEVEL,
    duty: {
      officer: v.DUTY_OFFICER ?? null,
      leader: v.DUTY_LEADER ?? null,
      roster: v.DUTY_ROSTER ? path.resolve(cwd, v.DUTY_ROSTER) : null,
    },
    reportSchedule: v.REPORTS === '1' ? v.REPORTS_SCHEDULE : null,
    wall: {
      layout: parseDesignSize(v.WALL_LAYOUT),
      rotate: v.WALL_ROTATE?.trim() ?? null,
      basemap: v.BASEMAP_TILES ? { tiles: v.BASEMAP_TILES, attribution: v.BASEMAP_ATTRIBUTION ?? null } : null,
    },
    basePath: v.BASE_PATH ?? '',
    trustProxy: parseTrustProxy(v.TRUST_PROXY) ?? ['loopback'],
    frameAncestors: v.FRAME_ANCESTORS ? (parseFrameAncestors(v.FRAME_ANCESTORS) ?? []) : [],
    photoHosts: v.PHOTO_HOSTS ? (parseOrigins(v.PHOTO_HOSTS) ?? []) : [],
    serviceAreaKm: v.SERVICE_AREA_KM,
    sessions: { idleMs: v.SESSION_IDLE_MINUTES * 60_000, maxMs: v.SESSION_MAX_HOURS * 3_600_000, lockMs: v.SIGNIN_LOCK_MINUTES * 60_000 },
    duplicates: parseDuplicateRules(v.DUPLICATE_RULES) as DuplicateRuleSet,
  };
}

/**
 * FRAME_ANCESTORS as CSP frame-ancestors sources: `'self'` or http(s) origins (scheme, host,
 * optional port; a leading `*.` for subdomains), space or comma separated; `'none'` is the
 * default and means []. Null when any entry is something else (a path, a keyword, a quote).
 */
export function parseFrameAncestors(raw: string): string[] | null {
  const entries = raw.split(/[\s,]+/).filter(Boolean);
  if (entries.length === 0) return null;
  if (entries.length === 1 && entries[0] === "'none'") return [];
  const origin = /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/;
  return entries.every((entry) => entry === "'self'" || origin.test(entry)) ? entries : null;
}

const TRUST_NAMES: ReadonlySet<string> = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY as a value for Express's `trust proxy` (its proxy-addr rules): a hop count (a whole
 * number 0–10: trust that many proxies in front, whatever their address) or a comma-separated list
 * of loopback / linklocal / uniquelocal, IPv4 or IPv6 addresses and CIDR ranges ("172.17.0.0/16",
 * "fd00::/8"). Null when anything else (a host name, a bad prefix, "true": trusting every peer
 * would let any client forge its address in the audit log).
 */
export function parseTrustProxy(raw: string): string[] | number | null {
  const text = raw.trim();
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops <= 10 ? hops : null;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.length === 0 || entries.some((entry) => entry === '')) return null;
  for (const entry of entries) {
    if (TRUST_NAMES.has(entry)) continue;
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || rest.length > 0) return null;
    if (prefix !== undefined) {
      if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) return null;
    }
  }
  return entries;
}

/**
 * PHOTO_HOSTS as CSP img-src sources: http(s) origins (scheme, host, optional port; a leading
 * `*.` for subdomains), space or comma separated. Null when any entry is something else.
 */
export function parseOrigins(raw: string): string[] | null {
  const entries = raw.split(/[\s,]+/).filter(Boolean);
  const origin = /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/;
  return entries.length > 0 && entries.every((entry) => origin.test(entry)) ? entries : null;
}

function isSecret(name: string): boolean {
  return name === 'INGEST_API_KEY' || name === 'VIEWER_TOKEN' || name === 'ADMIN_PASSWORD' || name.endsWith('_URL');
}
