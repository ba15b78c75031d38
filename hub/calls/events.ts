import type { CallView, DomainEvent } from '../contracts/domain-events.js';

/** The event for a call's current state (the pop-up follows ringing → answered → ended). */
export function callEvent(call: CallView): DomainEvent {
  switch (call.state) {
    case 'ringing': return { type: 'call.ringing', data: call };
    case 'answered': return { type: 'call.answered', data: call };
    case 'ended': return { type: 'call.ended', data: call };
  }
}
