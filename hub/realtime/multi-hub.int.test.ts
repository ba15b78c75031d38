import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions, teamMembers, users } from '../../db/schema/index.js';
import { createTestDatabase, uniquePrefix } from '../../test/support/databases.js';
import { TEST_REDIS_URL } from '../../test/support/env.js';
import { makeTeam } from '../../test/support/factories.js';
import { connectSocket, dropAdapterStream, type TestSocket } from '../../test/support/sockets.js';
import { hashToken, newToken } from '../auth/tokens.js';
import { loadConfig } from '../config.js';
import { startHub, type Hub } from '../hub.js';
import { createLogger } from '../platform/logger.js';
import { updateRequest } from '../requests/service.js';

// Two hubs on one PostgreSQL database, as behind a load balancer. Live events reach a console
// on either hub from the event log (woken by NOTIFY); presence needs the Redis streams adapter.
describe.each([['without Redis', false], ['with the Redis streams adapter', true]] as const)('two hubs %s', (_label, isRedis) => {
  const hubs: Hub[] = [];
  const sockets: TestSocket[] = [];
  let drop: () => Promise<void>;
  const prefix = uniquePrefix('mh');
  let teamId: string;
  const user = async (name: string) => {
    const [u] = await hubs[0]!.db.insert(users).values({ email: `${randomBytes(4).toString('hex')}@test.local`, name, role: 'agent' }).returning();
    const token = newToken('hs');
    await hubs[0]!.db.insert(sessions).values({ userId: u!.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 3_600_000) });
    await hubs[0]!.db.insert(teamMembers).values({ teamId, userId: u!.id });
    return { token, userId: u!.id };
  };
  const open = async (hub: Hub, token: string) => {
    const s = await connectSocket(`http://127.0.0.1:${hub.httpPort}`, { token });
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    // One prefix for both hubs: they share the adapter's streams, as hubs of one deployment do.
    for (let i = 0; i < 2; i++) {
      const config = loadConfig({
        DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: `.tmp/${uniquePrefix('d')}`, HUB_QUEUE_PREFIX: prefix,
        ...(isRedis ? { REDIS_URL: TEST_REDIS_URL } : {}),
      });
      hubs.push(await startHub(config, { log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') }));
    }
    teamId = (await makeTeam(hubs[0]!.db, { isDefault: true })).id;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const h of hubs) await h.close();
    await drop?.();
    if (isRedis) await dropAdapterStream(TEST_REDIS_URL, prefix);
  });

  it('delivers a change committed on one hub to a console on the other, in order', async () => {
    const anna = await user('Anna');
    const s = await open(hubs[1]!, anna.token);
    await s.subscribe({ rooms: [`queue:${teamId}`] });
    const res = await hubs[0]!.app.request('/api/requests', {
      method: 'POST', headers: { authorization: `Bearer ${anna.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ subject: 'Über zwei Hubs' }),
    });
    const created = await res.json() as { request: { id: string } };
    expect(res.status, JSON.stringify(created)).toBe(201);
    await expect.poll(() => s.events.some((e) => e.type === 'request.created' && e.data.id === created.request.id), { timeout: 15_000 }).toBe(true);
    const seqs = s.events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('replays on one hub what a console missed while its hub was another', async () => {
    const anna = await user('Anna');
    const first = await open(hubs[0]!, anna.token);
    const ack = await first.subscribe({ rooms: [`queue:${teamId}`] });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    first.close();
    const missed = await (await hubs[0]!.app.request('/api/requests', {
      method: 'POST', headers: { authorization: `Bearer ${anna.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ subject: 'Verpasst' }),
    })).json() as { request: { id: string } };
    const again = await open(hubs[1]!, anna.token);
    expect(await again.subscribe({ rooms: [`queue:${teamId}`], afterSeq: ack.upTo })).toMatchObject({ ok: true, isReloadNeeded: false });
    await expect.poll(() => again.events.some((e) => e.type === 'request.created' && e.data.id === missed.request.id), { timeout: 15_000 }).toBe(true);
  });

  it.runIf(isRedis)('shows viewers on both hubs in the presence of a request', async () => {
    const anna = await user('Anna');
    const bert = await user('Bert');
    const res = await hubs[0]!.app.request('/api/requests', {
      method: 'POST', headers: { authorization: `Bearer ${anna.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ subject: 'Wer schaut?' }),
    });
    const { request } = await res.json() as { request: { id: string } };
    const a = await open(hubs[0]!, anna.token);
    const b = await open(hubs[1]!, bert.token);
    await a.subscribe({ rooms: [`request:${request.id}`] });
    await b.subscribe({ rooms: [`request:${request.id}`] });
    const last = (s: TestSocket) => s.presence.filter((p) => p.requestId === request.id).at(-1)?.viewers.map((v) => v.name);
    await expect.poll(() => last(a), { timeout: 15_000 }).toEqual(['Anna', 'Bert']);
    await expect.poll(() => last(b), { timeout: 15_000 }).toEqual(['Anna', 'Bert']);
    // And a change made through either hub still reaches both viewers.
    const principal = { kind: 'user' as const, id: anna.userId, role: 'agent' as const, userId: anna.userId, customerId: null, sessionId: null };
    await updateRequest(hubs[1]!.db, hubs[1]!.bus, principal, request.id, { version: 1, priority: 'high' });
    for (const s of [a, b]) await expect.poll(() => s.events.some((e) => e.type === 'request.updated' && e.data.request.id === request.id), { timeout: 15_000 }).toBe(true);
  });
});
