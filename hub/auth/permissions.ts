import type { Role } from '../contracts/model.js';

// Who may do what. Routes name a permission, never a role, so a change of policy is one line.
const matrix = {
  'install-base.read': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'install-base.write': ['admin', 'supervisor'],
  'devices.manage': ['admin', 'supervisor'],
  'catalog.write': ['admin', 'supervisor'],
  'teams.write': ['admin'],
  'users.read': ['admin', 'supervisor', 'dispatcher'],
  'users.write': ['admin'],
  'api-keys.manage': ['admin'],
  'import.run': ['admin', 'supervisor'],
  'requests.read': ['admin', 'supervisor', 'dispatcher', 'agent', 'technician', 'customer'],
  'requests.create': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'requests.update': ['admin', 'supervisor', 'dispatcher', 'agent'],
  'orders.read': ['admin', 'supervisor', 'dispatcher', 'agent', 'technician'],
  'audit.read': ['admin', 'supervisor'],
  'dead-letters.read': ['admin', 'supervisor'],
  'events.read': ['admin', 'supervisor', 'dispatcher', 'agent'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof matrix;

export function can(role: Role, permission: Permission): boolean {
  return (matrix[permission] as readonly Role[]).includes(role);
}
