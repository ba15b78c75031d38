import { and, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.js';
import { auditLog, technicianProfiles, users } from '../../db/schema/index.js';
import type { TechnicianSummary } from '../contracts/domain-events.js';
import type { PositionReport, TechnicianUpdate, TechnicianView } from '../contracts/api/dispatch.js';
import type { TechnicianStatus } from '../contracts/model.js';
import type { Principal } from '../auth/principal.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { BadRequest, NotFound, StaleVersion, Unauthorized } from '../platform/errors.js';
import { pointOf } from './geo.js';
import type { Candidate } from './rank.js';

const columns = { user: users, profile: technicianProfiles };
type TechnicianRow = { user: typeof users.$inferSelect; profile: typeof technicianProfiles.$inferSelect | null };

/** Active technicians (or the given ones) with their dispatch profile, if they have one yet. */
export async function loadTechnicians(db: DbOrTx, ids?: string[]): Promise<TechnicianRow[]> {
  return db.select(columns).from(users).leftJoin(technicianProfiles, eq(technicianProfiles.userId, users.id))
    .where(and(eq(users.role, 'technician'), ids ? inArray(users.id, ids) : eq(users.isActive, true)))
    .orderBy(users.name, users.id);
}

export function toTechnicianSummary(t: TechnicianRow): TechnicianSummary {
  const pr = t.profile;
  const position = pointOf(pr?.positionLatitude, pr?.positionLongitude);
  return {
    id: t.user.id, name: t.user.name, skills: t.user.skills, region: t.user.region, status: pr?.status ?? 'available',
    position: position && pr?.positionAt ? { ...position, at: pr.positionAt.toISOString() } : null,
    home: pointOf(pr?.homeLatitude, pr?.homeLongitude), version: pr?.version ?? 1,
  };
}

export function toTechnicianView(t: TechnicianRow): z.infer<typeof TechnicianView> {
  return { ...toTechnicianSummary(t), email: t.user.email, phone: t.user.phone, shift: t.profile?.shift ?? null, isActive: t.user.isActive };
}

export function toCandidate(t: TechnicianRow, load: number): Candidate {
  const s = toTechnicianSummary(t);
  return {
    id: s.id, name: s.name, skills: s.skills, region: s.region, status: s.status, shift: t.profile?.shift ?? null,
    position: s.position ? { latitude: s.position.latitude, longitude: s.position.longitude, at: new Date(s.position.at) } : null,
    home: s.home, load,
  };
}

export async function getTechnician(db: DbOrTx, id: string): Promise<TechnicianRow> {
  const [t] = await loadTechnicians(db, [id]);
  if (!t) throw new NotFound('technician', id);
  return t;
}

/** Dispatch profile and skills; the profile version guards against two dispatchers editing at once. */
export async function updateTechnician(db: Db, bus: EventBus, p: Principal, id: string, u: z.infer<typeof TechnicianUpdate>) {
  return commitWithEvents(db, bus, async (tx, emit) => {
    const cur = await getTechnician(tx, id);
    const version = cur.profile?.version ?? 1;
    if (version !== u.version) throw new StaleVersion('technician', u.version, version);
    if (u.skills !== undefined || u.region !== undefined) {
      await tx.update(users).set({
        ...(u.skills !== undefined ? { skills: u.skills } : {}), ...(u.region !== undefined ? { region: u.region } : {}),
        version: sql`${users.version} + 1`, updatedAt: sql`now()`,
      }).where(eq(users.id, id));
    }
    const set = {
      ...(u.home !== undefined ? { homeLatitude: u.home?.latitude ?? null, homeLongitude: u.home?.longitude ?? null } : {}),
      ...(u.shift !== undefined ? { shift: u.shift } : {}),
      ...(u.status !== undefined ? { status: u.status } : {}),
    };
    await upsertProfile(tx, id, set);
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'update', entity: 'technician', entityId: id, changes: u });
    const after = await getTechnician(tx, id);
    emit({ type: 'technician.updated', data: toTechnicianSummary(after) });
    return toTechnicianView(after);
  });
}

async function upsertProfile(tx: DbOrTx, userId: string, set: Partial<typeof technicianProfiles.$inferInsert>) {
  // A first change creates the profile at version 2, so "version 1" always meant "never changed".
  await tx.insert(technicianProfiles).values({ userId, ...set, version: 2 })
    .onConflictDoUpdate({ target: technicianProfiles.userId, set: { ...set, version: sql`${technicianProfiles.version} + 1`, updatedAt: sql`now()` } });
}

function selfOf(p: Principal): string {
  if (!p.userId) throw new Unauthorized('a technician\'s own session is needed');
  return p.userId;
}

/**
 * The technician's device reports where it is. Not audited: it arrives every few minutes per
 * technician and the profile keeps the latest; the board hears it as technician.updated.
 */
export async function reportPosition(db: Db, bus: EventBus, p: Principal, r: z.infer<typeof PositionReport>) {
  const id = selfOf(p);
  const at = r.at ? new Date(r.at) : new Date();
  if (at.getTime() > Date.now() + 5 * 60_000) throw new BadRequest('the position is from the future', { at: 'in the future' });
  return commitWithEvents(db, bus, async (tx, emit) => {
    await getTechnician(tx, id);
    // An older report arriving late must not move the technician back.
    await tx.insert(technicianProfiles).values({ userId: id, positionLatitude: r.latitude, positionLongitude: r.longitude, positionAt: at })
      .onConflictDoUpdate({
        target: technicianProfiles.userId,
        set: { positionLatitude: r.latitude, positionLongitude: r.longitude, positionAt: at, updatedAt: sql`now()` },
        setWhere: sql`${technicianProfiles.positionAt} is null or ${technicianProfiles.positionAt} <= ${at.toISOString()}::timestamptz`,
      });
    const after = await getTechnician(tx, id);
    emit({ type: 'technician.updated', data: toTechnicianSummary(after) });
    return toTechnicianView(after);
  });
}

export async function reportStatus(db: Db, bus: EventBus, p: Principal, status: TechnicianStatus) {
  const id = selfOf(p);
  return commitWithEvents(db, bus, async (tx, emit) => {
    await getTechnician(tx, id);
    await upsertProfile(tx, id, { status });
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'status', entity: 'technician', entityId: id, changes: { status } });
    const after = await getTechnician(tx, id);
    emit({ type: 'technician.updated', data: toTechnicianSummary(after) });
    return toTechnicianView(after);
  });
}
