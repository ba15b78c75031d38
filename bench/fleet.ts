import mqtt, { type MqttClient } from 'mqtt';

/** A simulated device: its id (MQTT username) and token (password; ignored by an anonymous broker). */
export interface DeviceCredentials { deviceId: string; token: string }

/** codes from the demo catalogue (db/seed), so a demo's alarms have descriptions and skills */
export const FAULT_CODES = ['E101', 'E102', 'E103', 'E205', 'W120'] as const;

/** Small, seeded PRNG (mulberry32) so a run can be repeated. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** a device's own faults: in a storm, a unit repeats a few faults (it does not cycle through the catalogue) */
export interface FleetDevice extends DeviceCredentials { client: MqttClient; seq: number; raised: Set<string>; faults: string[] }

/** Connects every device with its own MQTT connection (QoS 1, protocol 3.1.1, last will on its status topic). */
export async function connectFleet(url: string, creds: DeviceCredentials[], opts: { concurrency?: number } = {}): Promise<FleetDevice[]> {
  const out: FleetDevice[] = new Array(creds.length);
  let next = 0;
  await Promise.all(Array.from({ length: opts.concurrency ?? 50 }, async () => {
    while (next < creds.length) {
      const i = next++;
      const c = creds[i]!;
      const client = await mqtt.connectAsync(url, {
        username: c.deviceId, password: c.token, clientId: `sim-${c.deviceId}`, protocolVersion: 4, reconnectPeriod: 1000,
        will: { topic: `devices/${c.deviceId}/status`, payload: Buffer.from('{"online":false}'), qos: 1, retain: false },
      });
      out[i] = { ...c, client, seq: 0, raised: new Set(), faults: [FAULT_CODES[i % FAULT_CODES.length]!, FAULT_CODES[(i + 2) % FAULT_CODES.length]!] };
    }
  }));
  return out;
}

/**
 * The next message of a realistic mix: mostly raises and repeats of the device's own faults, and a
 * clear for a code it has raised (about one message in eight); a raise after a clear flaps.
 */
export function nextAlarm(d: FleetDevice, rnd: () => number, now = new Date()) {
  const raisedCodes = [...d.raised];
  const isClear = raisedCodes.length > 0 && rnd() < 0.12;
  const code = isClear ? raisedCodes[Math.floor(rnd() * raisedCodes.length)]! : d.faults[Math.floor(rnd() * d.faults.length)]!;
  if (isClear) d.raised.delete(code); else d.raised.add(code);
  const severity = rnd() < 0.1 ? 'critical' : undefined;
  return {
    topic: `devices/${d.deviceId}/alarms`,
    body: { id: `${d.seq++}`, code, state: isClear ? 'cleared' as const : 'raised' as const, ...(severity ? { severity } : {}), ts: now.toISOString() },
  };
}

/** Publishes `total` messages spread over the fleet at `rate` per second (0: as fast as the broker takes them). */
export async function publishPaced(fleet: FleetDevice[], opts: { rate: number; total: number; seed?: number; onSent?: () => void }): Promise<number> {
  const rnd = prng(opts.seed ?? 42);
  const started = performance.now();
  const TICK_MS = 10;
  // Flat out, at most MAX_IN_FLIGHT unacknowledged publishes. A count and one waiter, not a
  // Promise.race over the set of pending publishes: that subscribed to every one of 5,000
  // promises again for each 200 sent, and the bench's own microtasks and garbage took a fifth
  // of its CPU from the machine it measures.
  const MAX_IN_FLIGHT = 5000;
  let sent = 0;
  let inFlight = 0;
  let failure: unknown;
  let waiter: { isDone: () => boolean; wake: () => void } | null = null;
  const settled = () => {
    inFlight--;
    if (waiter?.isDone()) { waiter.wake(); waiter = null; }
  };
  const waitUntil = (isDone: () => boolean) => (isDone() ? Promise.resolve() : new Promise<void>((wake) => { waiter = { isDone, wake }; }));
  while (sent < opts.total && failure === undefined) {
    const due = opts.rate > 0 ? Math.min(opts.total, Math.floor(((performance.now() - started) / 1000) * opts.rate) + 1) : Math.min(opts.total, sent + 200);
    while (sent < due) {
      const d = fleet[Math.floor(rnd() * fleet.length)]!;
      const m = nextAlarm(d, rnd);
      inFlight++;
      d.client.publishAsync(m.topic, JSON.stringify(m.body), { qos: 1 }).then(settled, (err: unknown) => { failure ??= err; settled(); });
      sent++;
      opts.onSent?.();
    }
    if (opts.rate > 0) await new Promise((r) => setTimeout(r, TICK_MS));
    else if (inFlight > MAX_IN_FLIGHT) await waitUntil(() => inFlight <= MAX_IN_FLIGHT);
  }
  await waitUntil(() => inFlight === 0);
  if (failure !== undefined) throw failure;
  return sent;
}

/** Every device raises each of its faults once: the new alarms, each opening a request (and an order where a rule says so). */
export async function raiseAll(fleet: FleetDevice[]): Promise<number> {
  const jobs = fleet.flatMap((d) => d.faults.map((code) => {
    d.raised.add(code);
    return d.client.publishAsync(`devices/${d.deviceId}/alarms`, JSON.stringify({ id: `${d.seq++}`, code, state: 'raised', ts: new Date().toISOString() }), { qos: 1 });
  }));
  await Promise.all(jobs);
  return jobs.length;
}
