import type { Role } from '../contracts/model.js';

// Who may do what. Routes name a permission, never a role, so a change of policy is one line.
const matrix = {
  'install-base.read': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'install-base.write': ['admin', 'supervisor'],
  'devices.manage': ['admin', 'supervisor'],
  'catalog.write': ['admin', 'supervisor'],
  /** the fault-code catalogue: technicians confirm a code from it in their work report */
  'fault-codes.read': ['admin', 'supervisor', 'dispatcher', 'agent', 'technician'],
  'teams.write': ['admin'],
  'users.read': ['admin', 'supervisor', 'dispatcher'],
  /** colleagues' names only (who holds a request, who wrote a note): every staff role */
  'colleagues.read': ['admin', 'supervisor', 'dispatcher', 'agent', 'technician'],
  'users.write': ['admin'],
  'api-keys.manage': ['admin'],
  'import.run': ['admin', 'supervisor'],
  'requests.read': ['admin', 'supervisor', 'dispatcher', 'agent', 'technician', 'customer'],
  'requests.create': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'requests.update': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'orders.read': ['admin', 'supervisor', 'dispatcher', 'agent', 'technician'],
  'orders.create': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'orders.update': ['admin', 'supervisor', 'dispatcher'],
  /** which transition a role may make is the order state machine's call (hub/orders/transitions.ts) */
  'orders.transition': ['admin', 'supervisor', 'dispatcher', 'technician'],
  'orders.feedback': ['admin', 'supervisor', 'technician'],
  'costs.read': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'costs.write': ['admin', 'supervisor', 'dispatcher'],
  'requisitions.read': ['admin', 'supervisor', 'dispatcher'],
  'requisitions.write': ['admin', 'supervisor', 'dispatcher'],
  'technicians.read': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'technicians.write': ['admin', 'supervisor', 'dispatcher'],
  'technicians.report': ['technician'],
  'dispatch.plan': ['admin', 'supervisor', 'dispatcher'],
  'maintenance.read': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'maintenance.write': ['admin', 'supervisor', 'dispatcher'],
  'audit.read': ['admin', 'supervisor'],
  'dead-letters.read': ['admin', 'supervisor'],
  'events.read': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'alarms.read': ['admin', 'supervisor', 'dispatcher', 'agent', 'technician'],
  'alarms.ack': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'dead-letters.replay': ['admin', 'supervisor'],
  'requests.reply': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'outbox.read': ['admin', 'supervisor', 'dispatcher', 'agent'],
  /** send a failed mail again once its cause is fixed */
  'outbox.retry': ['admin', 'supervisor'],
  'mailboxes.manage': ['admin'],
  'queues.read': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'calls.read': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'cti.manage': ['admin'],
  /** the knowledge base: staff read it, agents and supervisors write drafts, editors publish */
  'knowledge.read': ['admin', 'supervisor', 'dispatcher', 'agent', 'technician'],
  'knowledge.write': ['admin', 'supervisor', 'agent'],
  'knowledge.publish': ['admin', 'supervisor'],
  /** reports: figures across every team and customer, so not agents, technicians or customers */
  'reports.read': ['admin', 'supervisor', 'dispatcher'],
  /** the global search reads every customer's data: staff who handle requests only */
  'search.read': ['admin', 'supervisor', 'dispatcher', 'agent'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof matrix;

export function can(role: Role, permission: Permission): boolean {
  return (matrix[permission] as readonly Role[]).includes(role);
}
