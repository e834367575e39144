// Who a write is done by, as the write service, the history and the audit log see it. Every
// entry point turns its caller (session, API key, the server's own demo feed) into one of these.
import type { ActorKind, Role } from '@grid141/shared';

export interface Actor {
  kind: ActorKind;
  /** The username, the API key's name, or the server part acting ('simulator'). */
  name: string;
  /** A user's role; null for keys and nobody. The server's own parts act as admin. */
  role: Role | null;
  /** Keys only: the record kinds it may write; null or absent: every kind. */
  kinds?: readonly string[] | null;
  /** The client's address (Express `req.ip`, behind the trusted proxy); null in-process. */
  address?: string | null;
}

/** A part of the server acting on its own (the in-process demo feed, jobs). */
export function systemActor(name: string): Actor {
  return { kind: 'system', name, role: 'admin', address: null };
}
