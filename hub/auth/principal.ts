import type { Role } from '../contracts/model.js';

/** Who is calling: a signed-in user or an API key acting with a role. */
export interface Principal {
  kind: 'user' | 'api_key';
  id: string;
  role: Role;
  /** a user's own id (null for API keys) */
  userId: string | null;
  /** customers see only their organisation */
  customerId: string | null;
  sessionId: string | null;
}

export function actorOf(p: Principal): { type: 'user' | 'api_key'; id: string } {
  return { type: p.kind, id: p.id };
}
