import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb } from '../test/support/databases.js';
import type { DbHandle } from './client.js';
import { anyOf } from './any.js';
import { insertRows } from './insert-rows.js';
import { contacts, searchDocuments, serviceRequests, timers } from './schema/index.js';

describe.each(['pglite', 'postgres'] as const)('insertRows on %s', (driver) => {
  let h: DbHandle;
  let drop: () => Promise<void>;
  beforeAll(async () => { ({ h, drop } = await openTestDb(driver)); });
  afterAll(async () => { await h?.close(); await drop?.(); });

  it('returns the rows as drizzle reads them back: enums, JSON, times, identities and defaults', async () => {
    const at = new Date('2026-12-04T10:15:30.123Z');
    const rows = await insertRows(h.db, serviceRequests, [
      {
        type: 'alarm', channel: 'mqtt', priority: 'high', subject: 'E101 "Überdruck" \\ pump', description: "it's 'quoted'",
        customFields: { nested: { list: [1, 'zwei', null], emoji: '🔧' } }, responseDueAt: at, createdAt: at, updatedAt: at,
      },
      { type: 'request', channel: 'web', priority: 'normal', subject: 'second', description: '', customFields: {}, responseDueAt: null, createdAt: at, updatedAt: at },
    ]);
    expect(rows).toHaveLength(2);
    const read = await h.db.select().from(serviceRequests).where(anyOf(serviceRequests.id, rows.map((r) => r.id), 'uuid'));
    const byId = (list: typeof read) => new Map(list.map((r) => [r.id, r]));
    expect(byId(rows)).toEqual(byId(read));
    const first = rows.find((r) => r.subject.startsWith('E101'))!;
    expect(first).toMatchObject({
      type: 'alarm', status: 'new', warranty: 'unknown', version: 1, slaPausedMs: 0, slaMarks: {}, resolutionDueAt: null,
      customFields: { nested: { list: [1, 'zwei', null], emoji: '🔧' } }, description: "it's 'quoted'",
    });
    expect(first.responseDueAt).toEqual(at);
    expect(first.createdAt).toBeInstanceOf(Date);
    // the identity is drawn per row
    expect(new Set(rows.map((r) => r.number)).size).toBe(2);
  });

  it('writes null where some rows leave a column out, and the default where all do', async () => {
    const rows = await insertRows(h.db, contacts, [
      { name: 'A', email: 'a@insert-rows.test', phone: '+49301' },
      { name: 'B', email: 'b@insert-rows.test', phone: undefined },
    ]);
    const b = rows.find((r) => r.name === 'B')!;
    expect(b.phone).toBeNull();
    expect(b.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.createdAt).toBeInstanceOf(Date);
  });

  it('applies the conflict clause: skipped rows are not returned, updated rows are', async () => {
    const [existing] = await insertRows(h.db, contacts, [{ name: 'C', email: 'c@insert-rows.test' }]);
    const again = await insertRows(h.db, contacts, [
      { name: 'C twice', email: 'C@Insert-Rows.test' }, { name: 'D', email: 'd@insert-rows.test' },
    ], { onConflict: 'on conflict do nothing' });
    expect(again.map((r) => r.name)).toEqual(['D']);
    const [c] = await h.db.select().from(contacts).where(eq(contacts.id, existing!.id));
    expect(c!.name).toBe('C');

    const key = `test:insert-rows:${driver}`;
    const action = { kind: 'sla.response' as const, requestId: existing!.id, phase: 'warn' as const };
    const upsert = 'on conflict (key) do update set payload = excluded.payload, run_at = excluded.run_at, fired_at = null';
    const [t1] = await insertRows(h.db, timers, [{ key, job: action.kind, payload: action, runAt: new Date('2027-01-01T00:00:00Z') }], { onConflict: upsert });
    await h.db.update(timers).set({ firedAt: new Date() }).where(eq(timers.key, key));
    const [t2] = await insertRows(h.db, timers, [{ key, job: action.kind, payload: { ...action, phase: 'breach' }, runAt: new Date('2027-02-01T00:00:00Z') }], { onConflict: upsert });
    expect(t2!.id).toBe(t1!.id);
    expect(t2).toMatchObject({ runAt: new Date('2027-02-01T00:00:00Z'), firedAt: null, payload: { phase: 'breach' } });
  });

  it('fills arrays and text-search vectors from their JSON text', async () => {
    const entityId = '00000000-0000-4000-8000-00000000abcd';
    const [doc] = await insertRows(h.db, searchDocuments, [{
      kind: 'contact', entityId, title: 'Ada', body: '', jumpKeys: ['tel:4930', "o'brien"], tsv: "'ada' 'o''brien'", titleTsv: "'ada'",
      createdAt: new Date(), updatedAt: new Date(),
    }]);
    expect(doc!.jumpKeys).toEqual(['tel:4930', "o'brien"]);
    // the same vector as the literal cast to tsvector: lexemes as given, none split by a parser
    const [row] = await h.db.select({ same: sql<boolean>`${searchDocuments.tsv} = ${"'ada' 'o''brien'"}::tsvector`, length: sql<number>`length(${searchDocuments.tsv})::int` })
      .from(searchDocuments).where(eq(searchDocuments.entityId, entityId));
    expect(row).toEqual({ same: true, length: 2 });
  });

  it('returns only the columns asked for, or none', async () => {
    const some = await insertRows(h.db, contacts, [{ name: 'E', email: 'e@insert-rows.test' }], { returning: ['id', 'email'] });
    expect(some).toEqual([{ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: 'e@insert-rows.test' }]);
    expect(await insertRows(h.db, contacts, [{ name: 'F', email: 'f@insert-rows.test' }], { returning: [] })).toEqual([]);
    const [f] = await h.db.select().from(contacts).where(eq(contacts.email, 'f@insert-rows.test'));
    expect(f?.name).toBe('F');
  });

  it('does nothing for no rows', async () => {
    expect(await insertRows(h.db, contacts, [])).toEqual([]);
  });
});
