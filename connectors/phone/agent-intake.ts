import type { z } from 'zod';
import type { RequestCreate } from '../../hub/contracts/api/requests.js';
import type { IntakeEventInput } from '../../hub/contracts/intake-event.js';

export interface AgentIntakeOptions {
  actor: { type: 'user' | 'api_key'; id: string };
  /** the Idempotency-Key header, if the console sent one */
  idempotencyKey?: string | undefined;
  receivedAt?: Date;
}

/**
 * An agent's intake (a call, or a walk-in / letter the agent types in) → one IntakeEvent.
 * Keys are scoped to the caller: two agents may happen to pick the same one.
 */
export function agentIntakeEvent(input: z.infer<typeof RequestCreate>, opts: AgentIntakeOptions): IntakeEventInput {
  const { channel, ...rest } = input;
  return {
    ...rest,
    channel,
    actor: opts.actor,
    receivedAt: opts.receivedAt ?? new Date(),
    ...(opts.idempotencyKey ? { sourceKey: `idem:${opts.actor.type}:${opts.actor.id}:${opts.idempotencyKey}` } : {}),
  };
}
