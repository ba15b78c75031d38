import type { CallView, DomainEvent } from '../api/types';

// Pure rules for the call pop-up: call.ringing / call.answered / call.ended carry the CallView
// (hub/contracts/domain-events.ts) of the CTI webhook.

export type Call = CallView;

/** The calls to show: ringing or answered ones for this agent (or for nobody yet), newest first. */
export function applyToCalls(calls: readonly Call[], event: DomainEvent, me: string | null): Call[] {
  if (event.type !== 'call.ringing' && event.type !== 'call.answered' && event.type !== 'call.ended') return calls as Call[];
  const call = event.data;
  const rest = calls.filter((c) => c.callId !== call.callId);
  const isMine = call.agentId === null || call.agentId === me;
  if (event.type === 'call.ended' || !isMine || call.direction === 'out') return rest.length === calls.length ? (calls as Call[]) : rest;
  return [call, ...rest];
}
