import type { Channel, RequestType } from '../contracts/model.js';

export interface RoutingRule {
  id: string;
  teamId: string;
  position: number;
  channel: Channel | null;
  type: RequestType | null;
  categoryId: string | null;
  faultCodePrefix: string | null;
  region: string | null;
}

export interface RoutingFacts {
  channel: Channel;
  type: RequestType;
  categoryId: string | null;
  faultCode: string | null;
  region: string | null;
}

export type RoutingDecision =
  | { kind: 'rule'; teamId: string; ruleId: string }
  | { kind: 'default'; teamId: string }
  | { kind: 'unrouted' };

/** The first rule (lowest position) whose every set condition holds; else the default team. */
export function routeRequest(rules: readonly RoutingRule[], facts: RoutingFacts, defaultTeamId: string | null): RoutingDecision {
  const ordered = [...rules].sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
  for (const rule of ordered) {
    if (rule.channel && rule.channel !== facts.channel) continue;
    if (rule.type && rule.type !== facts.type) continue;
    if (rule.categoryId && rule.categoryId !== facts.categoryId) continue;
    if (rule.faultCodePrefix && !(facts.faultCode ?? '').startsWith(rule.faultCodePrefix)) continue;
    if (rule.region && rule.region.toLowerCase() !== (facts.region ?? '').toLowerCase()) continue;
    return { kind: 'rule', teamId: rule.teamId, ruleId: rule.id };
  }
  return defaultTeamId ? { kind: 'default', teamId: defaultTeamId } : { kind: 'unrouted' };
}
