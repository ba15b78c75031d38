import { asc, count, eq, inArray, isNull, sql, and } from 'drizzle-orm';
import type { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { serviceRequests, teamMembers, teams } from '../../db/schema/index.js';
import type { QueueCounts } from '../contracts/api/request-actions.js';
import type { Principal } from '../auth/principal.js';
import { OPEN_STATUSES } from './status.js';

type Queue = z.infer<typeof QueueCounts>;

/**
 * Counts per team queue for the board: open requests by status and priority, unassigned and
 * past a deadline. One grouped scan of the open requests; every team appears, empty or not,
 * and requests no rule routed form their own queue.
 */
export async function queueCounts(db: DbOrTx, p: Principal): Promise<Queue[]> {
  const breached = sql<boolean>`(${serviceRequests.resolutionDueAt} < now() or (${serviceRequests.responseDueAt} < now() and ${serviceRequests.firstRespondedAt} is null))`;
  const unassigned = sql<boolean>`(${serviceRequests.assigneeId} is null)`;
  const rows = await db.select({
    teamId: serviceRequests.teamId, status: serviceRequests.status, priority: serviceRequests.priority,
    unassigned, breached, n: count(),
  }).from(serviceRequests)
    .where(and(inArray(serviceRequests.status, OPEN_STATUSES), isNull(serviceRequests.mergedIntoId)))
    .groupBy(serviceRequests.teamId, serviceRequests.status, serviceRequests.priority, unassigned, breached);
  const allTeams = await db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.name));
  const mine = p.userId
    ? new Set((await db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.userId, p.userId))).map((r) => r.teamId))
    : new Set<string>();
  const queues = new Map<string | null, Queue>();
  const empty = (teamId: string | null, name: string): Queue => ({
    teamId, name, isMember: teamId !== null && mine.has(teamId), open: 0, unassigned: 0, breached: 0, byStatus: {}, byPriority: {},
  });
  for (const t of allTeams) queues.set(t.id, empty(t.id, t.name));
  queues.set(null, empty(null, 'unrouted'));
  for (const r of rows) {
    const q = queues.get(r.teamId) ?? queues.set(r.teamId, empty(r.teamId, 'unknown team')).get(r.teamId)!;
    const n = Number(r.n);
    q.open += n;
    if (isTrue(r.unassigned)) q.unassigned += n;
    if (isTrue(r.breached)) q.breached += n;
    q.byStatus[r.status] = (q.byStatus[r.status] ?? 0) + n;
    q.byPriority[r.priority] = (q.byPriority[r.priority] ?? 0) + n;
  }
  return [...queues.values()];
}

/** Raw boolean expressions come back as booleans from PGlite and postgres.js alike; be lenient anyway. */
function isTrue(v: unknown): boolean {
  return v === true || v === 't' || v === 'true';
}
