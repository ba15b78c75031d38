import type { Channel } from '../contracts/model.js';

export interface OpenRequestRef { id: string; createdAt: Date }

export interface DedupFacts {
  channel: Channel;
  /** the agent picked this open request for the call */
  attachToRequestId: string | null;
  isForcedNew: boolean;
  /** open requests of the identified asset, any order */
  openForAsset: readonly OpenRequestRef[];
}

export type DedupDecision =
  | { kind: 'new' }
  | { kind: 'attach'; requestId: string; reason: 'agent_choice' | 'open_request_for_asset' };

/**
 * DESIGN.md's cross-channel rule. A call is only offered the open requests: the agent decides.
 * An email or a form that names an asset with an open request joins the newest of them.
 * (Alarms dedup on their own key, asset + fault code, in the alarm pipeline.)
 */
export function decideDedup(f: DedupFacts): DedupDecision {
  if (f.attachToRequestId) return { kind: 'attach', requestId: f.attachToRequestId, reason: 'agent_choice' };
  if (f.isForcedNew || f.channel === 'phone' || f.channel === 'mqtt') return { kind: 'new' };
  const newest = [...f.openForAsset].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  return newest ? { kind: 'attach', requestId: newest.id, reason: 'open_request_for_asset' } : { kind: 'new' };
}
