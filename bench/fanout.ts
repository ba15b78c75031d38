import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import type { HubMessage, ParentMessage } from './fanout-hub.js';
import { percentile, type BenchResult } from './lib.js';

/**
 * Realtime fan-out: C authenticated socket.io clients subscribed to one queue room; the hub
 * (its own process, so its CPU and RSS are measured alone) commits events at R per second
 * through commitWithEvents; latency is commit (the bus publishing after commit) → the client's
 * frame handler, on one clock. Phase "created": every event is new (nothing coalesces).
 * Phase "storm": the same rate of updates on a few hot requests (an alarm storm): coalescing
 * keeps deliveries near one per request per 100 ms.
 * Args: --clients C (500) --rate R (100) --seconds S (20) --storm-rate (1000) --storm-seconds (5) --hot (10)
 * --batch-ms (20: one transaction per 20 ms slice of events) --pg URL.
 */
export async function run(args: string[]): Promise<BenchResult> {
  const opt = (name: string, def: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? def : def; };
  const clients = Number(opt('clients', '500'));
  const rate = Number(opt('rate', '100'));
  const seconds = Number(opt('seconds', '20'));
  const stormRate = Number(opt('storm-rate', '1000'));
  const stormSeconds = Number(opt('storm-seconds', '5'));
  const hot = Number(opt('hot', '10'));
  const batchMs = Number(opt('batch-ms', '20'));
  const pg = opt('pg', process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');

  const child = fork(fileURLToPath(new URL('./fanout-hub.ts', import.meta.url)), [pg, String(clients)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const ready = await next(child, 'ready');
  const t0 = performance.now();
  const sockets = await connectAll(ready.port, ready.tokens, ready.teamId);
  process.stderr.write(`fanout: ${sockets.length} clients connected and subscribed in ${Math.round(performance.now() - t0)} ms\n`);
  const rows: BenchResult['rows'] = [];
  try {
    rows.push(await phase(child, sockets, { kind: 'run', mode: 'created', rate, seconds, hotRequests: 0, batchMs }));
    rows.push(await phase(child, sockets, { kind: 'run', mode: 'storm', rate: stormRate, seconds: stormSeconds, hotRequests: hot, batchMs }));
  } finally {
    for (const s of sockets) s.socket.disconnect();
    child.send({ kind: 'stop' } satisfies ParentMessage);
  }
  return {
    name: 'fanout', rows,
    notes: [
      `${clients} socket.io clients (websocket) in one queue room, PostgreSQL, hub in its own process; clients run in the bench process on the same machine`,
      'latency: commit (bus publish after commit) → client frame handler; "storm" delays held updates by up to the 100 ms coalescing window on purpose',
      'figures from a shared 2-core machine with other agents at work: the integrator re-measures',
    ],
  };
}

interface Client { socket: Socket; arrivals: number[] }

async function connectAll(port: number, tokens: string[], teamId: string): Promise<Client[]> {
  const out: Client[] = [];
  // In small groups: 500 handshakes at once time out on a loaded machine.
  for (let i = 0; i < tokens.length; i += 50) {
    out.push(...await Promise.all(tokens.slice(i, i + 50).map(async (token) => {
      const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
      const c: Client = { socket, arrivals: [] };
      socket.on('events', (f: { events: Array<{ seq: number }> }) => {
        const at = performance.timeOrigin + performance.now();
        for (const e of f.events) c.arrivals.push(e.seq, at);
      });
      await new Promise<void>((resolve, reject) => { socket.once('connect', () => resolve()); socket.once('connect_error', reject); });
      const ack = await socket.timeout(30_000).emitWithAck('subscribe', { rooms: [`queue:${teamId}`] }) as { ok: boolean };
      if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
      return c;
    })));
  }
  return out;
}

async function phase(child: ChildProcess, clients: Client[], m: Extract<ParentMessage, { kind: 'run' }>) {
  process.stderr.write(`fanout: phase ${m.mode}, ${m.rate} events/s for ${m.seconds} s\n`);
  for (const c of clients) c.arrivals = [];
  const committedAt = new Map<number, number>();
  const onCommitted = (msg: HubMessage) => { if (msg.kind === 'committed') for (const [seq, at] of msg.items) committedAt.set(seq, at); };
  child.on('message', onCommitted);
  child.send(m);
  const done = await next(child, 'phase-done');
  child.off('message', onCommitted);
  const latencies: number[] = [];
  let deliveries = 0;
  for (const c of clients) {
    for (let i = 0; i < c.arrivals.length; i += 2) {
      const at = committedAt.get(c.arrivals[i]!);
      if (at !== undefined) latencies.push(c.arrivals[i + 1]! - at);
      deliveries++;
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    phase: m.mode === 'created' ? 'steady (new events)' : `storm (${m.hotRequests} hot requests)`,
    clients: clients.length,
    'committed/s': Math.round(done.committed / done.seconds),
    'deliveries/client/s': Number((deliveries / clients.length / done.seconds).toFixed(1)),
    'p50 ms': Number(percentile(latencies, 50).toFixed(1)),
    'p99 ms': Number(percentile(latencies, 99).toFixed(1)),
    'max ms': Number((latencies.at(-1) ?? NaN).toFixed(1)),
    'hub CPU %': Math.round(done.cpuPercent),
    'hub RSS MB': done.rssMb,
  };
}

function next<K extends HubMessage['kind']>(child: ChildProcess, kind: K): Promise<Extract<HubMessage, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: HubMessage) => {
      if (m.kind !== kind) return;
      child.off('message', onMessage);
      resolve(m as Extract<HubMessage, { kind: K }>);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`the bench hub exited (${code}) before ${kind}`)));
  });
}
