import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb } from '../test/support/databases.js';
import type { DbHandle } from './client.js';
import { anyOf } from './any.js';
import { insertRows } from './insert-rows.js';
import { serviceRequests } from './schema/index.js';
import { columnsOf, statement } from './statement.js';

const requestColumns = columnsOf(serviceRequests);
const selectRequests = statement(`select ${requestColumns.list} from "service_requests"
  where "id" = any($1::uuid[]) and "created_at" >= $2::timestamptz`);

describe.each(['pglite', 'postgres'] as const)('statement and columnsOf on %s', (driver) => {
  let h: DbHandle;
  let drop: () => Promise<void>;
  beforeAll(async () => { ({ h, drop } = await openTestDb(driver)); });
  afterAll(async () => { await h?.close(); await drop?.(); });

  it('reads rows as drizzle does (enums, JSON, times, identities, nulls), with an array and a time as parameters', async () => {
    const at = new Date('2026-12-05T10:15:30.123Z');
    const written = await insertRows(h.db, serviceRequests, [
      { type: 'alarm', channel: 'mqtt', priority: 'high', subject: 'E101 "Überdruck"', description: "it's", customFields: { list: [1, 'zwei', null] }, responseDueAt: at, createdAt: at, updatedAt: at },
      { type: 'request', channel: 'web', priority: 'normal', subject: 'older', description: '', customFields: {}, createdAt: new Date('2026-01-01T00:00:00Z'), updatedAt: at },
    ]);
    const ids = written.map((r) => r.id);
    const rows = (await selectRequests(h.db, ids, new Date('2026-12-01T00:00:00Z').toISOString())).map(requestColumns.read);
    const viaDrizzle = await h.db.select().from(serviceRequests).where(anyOf(serviceRequests.id, [written.find((r) => r.subject.startsWith('E101'))!.id], 'uuid'));
    expect(rows).toEqual(viaDrizzle);
    expect(rows[0]).toMatchObject({ type: 'alarm', customFields: { list: [1, 'zwei', null] }, resolutionDueAt: null, responseDueAt: at });
    expect(typeof rows[0]!.number).toBe('number');
    // the same statement with other values: nothing of the first call sticks
    expect(await selectRequests(h.db, [], at.toISOString())).toEqual([]);
  });

  it('reads only the columns asked for, qualified by the table when asked', async () => {
    const picked = columnsOf(serviceRequests, ['id', 'createdAt'], { qualified: true });
    expect(picked.list).toBe('"service_requests"."id", "service_requests"."created_at"');
    const [row] = await insertRows(h.db, serviceRequests, [{ type: 'request', channel: 'web', priority: 'low', subject: 's', description: '', customFields: {} }]);
    const read = (await statement(`select ${picked.list} from "service_requests" where "id" = $1::uuid`)(h.db, row!.id)).map(picked.read);
    expect(read).toEqual([{ id: row!.id, createdAt: row!.createdAt }]);
  });

  it('refuses parameters out of order, and a call with the wrong number of values', async () => {
    expect(() => statement('select $2::int, $1::int')).toThrow(/\$1…\$n in order/);
    expect(() => columnsOf(serviceRequests, ['nope' as 'id'])).toThrow(/has no column nope/);
    await expect(statement('select $1::int as n')(h.db)).rejects.toThrow(/1 parameters expected, got 0/);
  });
});
