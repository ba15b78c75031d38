import { randomUUID } from 'node:crypto';
import { startMosquitto } from '../test/support/mosquitto.js';
import { provision, recorded, startHubProcess, waitFor, type HubProcess } from './alarms.js';
import { connectFleet, publishPaced, raiseAll } from './fleet.js';
import { freshPostgres } from './intake.js';
import { CLOCK_TICKS, cpuCount, cpuSnapshot, type BenchResult } from './lib.js';

/**
 * Scale-out: the alarm benchmark's sustained phase with one hub process and with two (one
 * PostgreSQL, one Mosquitto with the project's config, shared subscription), alternating in one
 * run, on a fresh database each time. Reports committed alarms/s per configuration (median of
 * the rounds), the 2-hub / 1-hub ratio, and where the CPU went during the sustained phase
 * (hubs, Mosquitto, PostgreSQL, machine), which says what the bottleneck is.
 * Args: --devices N (500) --messages N (20000) --rounds R (3) --subscribers N (hub default, per hub).
 */
export async function run(args: string[]): Promise<BenchResult> {
  const opt = (name: string, def: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] ?? def : def; };
  const deviceCount = Number(opt('devices', '500'));
  const messages = Number(opt('messages', '20000'));
  const rounds = Number(opt('rounds', '3'));
  const subscribers = opt('subscribers', '');
  const pgUrl = opt('pg', process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');

  const samples: Record<1 | 2, Sample[]> = { 1: [], 2: [] };
  for (let r = 0; r < rounds; r++) {
    for (const hubs of [1, 2] as const) samples[hubs].push(await measure(hubs, { deviceCount, messages, subscribers, pgUrl, seed: r + 1 }));
  }
  const med = (hubs: 1 | 2, f: (s: Sample) => number) => median(samples[hubs].map(f));
  const one = med(1, (s) => s.rate);
  const two = med(2, (s) => s.rate);
  const row = (hubs: 1 | 2) => ({
    hubs,
    'alarms/s (median)': Math.round(med(hubs, (s) => s.rate)),
    'rounds': samples[hubs].map((s) => Math.round(s.rate)).join(' / '),
    'hub CPU %': samples[hubs].length ? med(hubs, (s) => s.hubCpu).toFixed(0) : '',
    'per-hub share': samples[hubs].at(-1)!.shares.join(' + '),
    'mosquitto CPU %': med(hubs, (s) => s.brokerCpu).toFixed(0),
    'devices (bench) CPU %': med(hubs, (s) => s.benchCpu).toFixed(0),
    'postgres CPU %': med(hubs, (s) => s.pgCpu).toFixed(0),
    'machine busy %': med(hubs, (s) => s.machineBusy).toFixed(0),
    'exact': samples[hubs].every((s) => s.isExact) ? 'ok' : 'MISMATCH',
  });
  return {
    name: 'cluster',
    rows: [row(1), row(2), {
      hubs: '2 / 1', 'alarms/s (median)': `${(two / one).toFixed(2)}x`, rounds: '', 'hub CPU %': '', 'per-hub share': '',
      'mosquitto CPU %': '', 'devices (bench) CPU %': '', 'postgres CPU %': '', 'machine busy %': '', exact: '',
    }],
    notes: [
      `${messages} QoS 1 messages (raises, repeats, clears) from ${deviceCount} devices per round, published as fast as Mosquitto takes them; rate = messages / (first publish → last commit); ${rounds} rounds, 1 and 2 hubs alternating`,
      `CPU % over the sustained phase: 100 = one core (hub CPU % is summed over the hubs); the machine has ${cpuCount()} cores, shared with other work`,
      'per-hub share: messages each hub recorded in the last round (the broker splits the shared subscription over every connection of every hub)',
      'devices (bench) CPU %: this process, which runs every simulated device\'s MQTT connection; machine busy % includes other users of the machine',
    ],
  };
}

interface Sample { rate: number; benchCpu: number; hubCpu: number; brokerCpu: number; pgCpu: number; machineBusy: number; shares: number[]; isExact: boolean }

async function measure(hubCount: 1 | 2, o: { deviceCount: number; messages: number; subscribers: string; pgUrl: string; seed: number }): Promise<Sample> {
  const broker = await startMosquitto();
  // a database that cannot be made (a bad --pg) must not leave the broker running
  const { handle, url: databaseUrl, drop } = await freshPostgres(o.pgUrl).catch(async (err: unknown) => { await broker.stop(); throw err; });
  const hubs: HubProcess[] = [];
  try {
    const creds = await provision(handle.db, o.deviceCount);
    for (let i = 0; i < hubCount; i++) {
      hubs.push(await startHubProcess({
        DATABASE_URL: databaseUrl, MQTT_URL: broker.url, HUB_ID: `bench-${randomUUID().slice(0, 8)}`,
        ...(o.subscribers ? { MQTT_SUBSCRIBERS: o.subscribers } : {}),
      }));
    }
    const fleet = await connectFleet(broker.url, creds);
    const total = async () => (await Promise.all(hubs.map(async (h) => recorded(await h.metrics())))).reduce((a, b) => a + b, 0);
    // warm-up: every device's faults raised once (new alarms, requests, timers)
    const raised = await raiseAll(fleet);
    await waitFor(async () => (await total()) >= raised, 180_000);
    const before = await Promise.all(hubs.map(async (h) => recorded(await h.metrics())));
    const cpu0 = cpuSnapshot({ hubs: hubs.map((h) => h.pid), broker: [broker.pid] });
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    const published = await publishPaced(fleet, { rate: 0, total: o.messages, seed: o.seed });
    await waitFor(async () => (await total()) - raised >= published, 180_000);
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = cpuSnapshot({ hubs: hubs.map((h) => h.pid), broker: [broker.pid] });
    const own = process.cpuUsage(own0);
    const after = await Promise.all(hubs.map(async (h) => recorded(await h.metrics())));
    await Promise.all(fleet.map((d) => d.client.endAsync(true)));
    const pct = (a: number, b: number) => ((b - a) / CLOCK_TICKS / seconds) * 100;
    return {
      rate: published / seconds,
      benchCpu: ((own.user + own.system) / 1e6 / seconds) * 100,
      hubCpu: pct(cpu0.hubs, cpu1.hubs), brokerCpu: pct(cpu0.broker, cpu1.broker), pgCpu: pct(cpu0.pg, cpu1.pg),
      machineBusy: ((cpu1.busy - cpu0.busy) / Math.max(1, cpu1.all - cpu0.all)) * 100,
      shares: after.map((n, i) => n - before[i]!),
      isExact: (await total()) === raised + published,
    };
  } finally {
    for (const h of hubs) await h.stop();
    await handle.close();
    await drop();
    await broker.stop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
