// Who may do what: roles, users, sessions, API keys and the audit log as both ends see them
// (docs/security.md). The server owns the rules; the pages read these shapes.
import { z } from 'zod';
import { FEED_KINDS, type FeedKind } from './codes.ts';
import { storableString, textSchema } from './common.ts';

/** Each role has every right of the ones before it. */
export const ROLES = ['viewer', 'operator', 'leader', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** true when `role` has every right of `needed`. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** The kinds of record an API key may write: incidents and every board feed. */
export const RECORD_KINDS: readonly string[] = ['incidents', ...FEED_KINDS.map((f) => f.code)];
export type RecordKind = 'incidents' | FeedKind;
export const recordKindSchema = z.string().refine((v) => RECORD_KINDS.includes(v), { message: 'not a record kind' });

/**
 * Login names: letters, digits, `._-`, 1–64 (they appear in URLs and the audit log). Names are
 * case-insensitive (`Zhang.San` and `zhang.san` are one person, as in most sign-in systems): a
 * new name is kept in lower case, and the store finds a name whatever its case.
 */
export const usernameSchema = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-" only').toLowerCase();
/**
 * At least 10 characters: the only rule of composition (NIST SP 800-63B: length, not composition).
 * The text rule too (docs/api.md, "Text"): no control characters but tab and line breaks, and no
 * half emoji, which UTF-8 cannot carry (two different halves would hash alike).
 */
export const passwordSchema = storableString().min(10, 'at least 10 characters').max(256);

export const signInSchema = z.object({
  // The text rule (docs/api.md, "Text"): a NUL reaches the users query otherwise.
  username: storableString().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type SignIn = z.infer<typeof signInSchema>;

export const newUserSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  role: roleSchema,
  displayName: textSchema(64).trim().min(1).optional(),
});
export type NewUser = z.infer<typeof newUserSchema>;

export const userPatchSchema = z.object({
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
  password: passwordSchema.optional(),
  displayName: textSchema(64).trim().min(1).optional(),
  /** true clears the lockout and the failure count. */
  unlock: z.literal(true).optional(),
});
export type UserPatch = z.infer<typeof userPatchSchema>;

/** A user as the admin API serves it (never a hash). */
export interface UserInfo {
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  /** Set while the account is locked after repeated failed sign-ins. */
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

/** GET /api/v1/session: who is signed in. */
export interface SessionInfo {
  username: string;
  displayName: string;
  role: Role;
  /** When the session ends at the latest (absolute expiry), ISO 8601. */
  expiresAt: string;
}

export const newApiKeySchema = z.object({
  name: textSchema(64).trim().min(1),
  /** Record kinds this key may write; absent or null: every kind. */
  kinds: z.array(recordKindSchema).min(1).nullable().optional(),
});
export type NewApiKey = z.infer<typeof newApiKeySchema>;

export interface ApiKeyInfo {
  id: string;
  name: string;
  kinds: string[] | null;
  createdAt: string;
  createdBy: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** What kind of actor did something: a person, a reporting system's key, the server itself, or nobody signed in. */
export type ActorKind = 'user' | 'key' | 'system' | 'anonymous';

/** The kinds of audit entries (closed set). */
export const AUDIT_KINDS = [
  'session.signin', 'session.failed', 'session.signout', 'session.locked',
  'user.created', 'user.changed', 'user.unlocked',
  'key.created', 'key.revoked',
  'viewer-token.rotated',
  // Records written through the API or Open311 by a key or a person (one entry per request).
  'records.created',
  'incident.transition', 'incident.merged', 'incident.unmerged', 'alarm.resolved', 'records.purged',
  // The duty desk (docs/desk.md).
  'incident.escalated', 'incident.evaluated', 'incident.reclassified', 'incident.noted',
  'targets.changed', 'emergency.started', 'emergency.ended', 'handover.made', 'handover.signed',
  // Imports (docs/import.md): a file of records, a street's grid map replaced or restored, and
  // taken up by a running server (its records placed again).
  'records.imported', 'map.replaced', 'map.restored', 'map.reloaded',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export interface AuditEntry {
  /** Ascending, gap-free only within one database. */
  seq: number;
  at: string;
  actor: string;
  actorKind: ActorKind;
  address: string | null;
  kind: AuditKind;
  /** What it was done to: a username, a key id, an incident id. */
  target: string | null;
  /** What changed; never a secret. */
  detail: Record<string, unknown>;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}
