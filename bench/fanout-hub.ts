import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { sessions, teams, users } from '../db/schema/index.js';
import { hashToken, newToken } from '../hub/auth/tokens.js';
import { loadConfig } from '../hub/config.js';
import type { DomainEvent, RequestSummary } from '../hub/contracts/domain-events.js';
import { commitWithEvents } from '../hub/events/unit-of-work.js';
import { startHub, type Hub } from '../hub/hub.js';
import { createLogger } from '../hub/platform/logger.js';

// The hub side of `npm run bench -- fanout`, in its own process so its CPU and RSS are its own.
// Talks to the parent over IPC: ready → run phases → stop.

export type HubMessage =
  | { kind: 'ready'; port: number; teamId: string; tokens: string[] }
  | { kind: 'committed'; items: Array<[seq: number, at: number]> }
  | { kind: 'phase-done'; cpuPercent: number; rssMb: number; committed: number; seconds: number };
export type ParentMessage =
  | { kind: 'run'; mode: 'created' | 'storm'; rate: number; seconds: number; hotRequests: number; batchMs: number }
  | { kind: 'stop' };

const now = () => performance.timeOrigin + performance.now();
const send = (m: HubMessage) => process.send!(m);
const MAX_IN_FLIGHT = 8;

async function main(): Promise<void> {
  const [adminUrl = 'postgres://postgres@127.0.0.1:5432/test', clientsArg = '500'] = process.argv.slice(2);
  const name = `hub_bench_fanout_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const hub = await startHub(loadConfig({ DATABASE_URL: url.toString(), PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: `.tmp/bench-${name}` }), { log: createLogger('silent') });
  const [team] = await hub.db.insert(teams).values({ name: 'Bench', calendar: { timeZone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5], open: '08:00', close: '17:00', holidays: [] } }).returning();
  const clients = Number(clientsArg);
  const people = await hub.db.insert(users).values(Array.from({ length: clients }, (_, i) => ({ email: `agent${i}@bench.local`, name: `Agent ${i}`, role: 'supervisor' as const }))).returning({ id: users.id });
  const tokens = people.map(() => newToken('hs'));
  await hub.db.insert(sessions).values(people.map((p, i) => ({ userId: p.id, tokenHash: hashToken(tokens[i]!), expiresAt: new Date(Date.now() + 3_600_000) })));
  send({ kind: 'ready', port: hub.httpPort!, teamId: team!.id, tokens });

  process.on('message', (m: ParentMessage) => {
    if (m.kind === 'run') void runPhase(hub, team!.id, m);
    if (m.kind === 'stop') {
      void (async () => {
        await hub.close();
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
        process.exit(0);
      })();
    }
  });
}

/** Commits events at `rate` per second through commitWithEvents (one transaction each), as changes do. */
async function runPhase(hub: Hub, teamId: string, m: Extract<ParentMessage, { kind: 'run' }>): Promise<void> {
  const hot = Array.from({ length: m.hotRequests }, () => randomUUID());
  const versions = new Map<string, number>();
  const pending: Array<[number, number]> = [];
  // The bus publishes right after commit: that instant is "committed" for the latency.
  const unsubscribe = hub.bus.subscribe((events) => { const at = now(); for (const e of events) pending.push([e.seq, at]); });
  const flush = setInterval(() => { if (pending.length) send({ kind: 'committed', items: pending.splice(0) }); }, 50);
  let rss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => { rss = Math.max(rss, process.memoryUsage().rss); }, 250);
  const cpu0 = process.cpuUsage();
  const t0 = now();
  // A transaction every batchMs with the events of that slice (group commit, as the intake
  // pipeline does), up to MAX_IN_FLIGHT at once: a slow commit delays events, not the offered rate.
  const ticks = Math.round((m.seconds * 1000) / m.batchMs);
  const perTick = Math.max(1, Math.round((m.rate * m.batchMs) / 1000));
  const inFlight = new Set<Promise<void>>();
  let total = 0;
  for (let tick = 0; tick < ticks; tick++) {
    const wait = t0 + tick * m.batchMs - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const events = Array.from({ length: perTick }, (_, k) => {
      const i = tick * perTick + k;
      const id = m.mode === 'storm' ? hot[i % hot.length]! : randomUUID();
      const version = (versions.get(id) ?? 0) + 1;
      versions.set(id, version);
      return eventFor(m.mode, summary(id, teamId, version, i));
    });
    total += events.length;
    const p = commitWithEvents(hub.db, hub.bus, async (_tx, emit) => { for (const e of events) emit(e); })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const seconds = (now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // Let the last frames and held (coalesced) updates go out before the figures are taken.
  await new Promise((r) => setTimeout(r, 400));
  unsubscribe();
  clearInterval(flush);
  clearInterval(rssTimer);
  if (pending.length) send({ kind: 'committed', items: pending.splice(0) });
  send({ kind: 'phase-done', cpuPercent: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100, rssMb: Math.round(rss / 2 ** 20), committed: total, seconds });
}

function eventFor(mode: 'created' | 'storm', s: RequestSummary): DomainEvent {
  return mode === 'created' ? { type: 'request.created', data: s } : { type: 'request.updated', data: { request: s, changed: ['priority'] } };
}

function summary(id: string, teamId: string, version: number, i: number): RequestSummary {
  const at = new Date().toISOString();
  return {
    id, number: `SR-${String(i).padStart(6, '0')}`, type: 'alarm', channel: 'mqtt', priority: version % 2 ? 'high' : 'normal', status: 'new',
    subject: `Störung ${i}`, teamId, assigneeId: null, customerId: null, assetId: null, warranty: 'unknown', version,
    responseDueAt: null, resolutionDueAt: null, createdAt: at, updatedAt: at,
  };
}

await main();
