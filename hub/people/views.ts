import { eq, inArray } from 'drizzle-orm';
import type { InferSelectModel } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { teamMembers, type users } from '../../db/schema/index.js';
import { BadRequest, pgErrorCode } from '../platform/errors.js';
import type { UserView } from '../contracts/api/people.js';
import type { z } from 'zod';

type UserRow = InferSelectModel<typeof users>;

export async function userViews(db: DbOrTx, rows: UserRow[]): Promise<Array<z.infer<typeof UserView>>> {
  const ids = rows.map((u) => u.id);
  const memberships = ids.length ? await db.select().from(teamMembers).where(inArray(teamMembers.userId, ids)) : [];
  return rows.map((u) => ({
    id: u.id, email: u.email, name: u.name, role: u.role, isActive: u.isActive, phone: u.phone, skills: u.skills,
    region: u.region, customerId: u.customerId, teamIds: memberships.filter((m) => m.userId === u.id).map((m) => m.teamId),
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null, version: u.version,
    createdAt: u.createdAt.toISOString(), updatedAt: u.updatedAt.toISOString(),
  }));
}

export async function userView(db: DbOrTx, row: UserRow) {
  const [view] = await userViews(db, [row]);
  return view!;
}

export async function setTeams(db: DbOrTx, userId: string, teamIds: string[]): Promise<void> {
  await db.delete(teamMembers).where(eq(teamMembers.userId, userId));
  if (!teamIds.length) return;
  // The only reference a membership can miss is the team (the user was just read or written): name the field.
  await db.insert(teamMembers).values([...new Set(teamIds)].map((teamId) => ({ teamId, userId }))).catch((err: unknown) => {
    throw pgErrorCode(err) === '23503' ? new BadRequest('a team does not exist', { teamIds: 'no such team' }) : err;
  });
}
