import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';
import type { BrokerDeviceAuth } from '../../hub/devices/broker-auth.js';
import { AppError } from '../../hub/platform/errors.js';
import type { Logger } from '../../hub/platform/logger.js';

const CONTROL = '$CONTROL/dynamic-security/v1';
const Responses = z.object({
  responses: z.array(z.object({ command: z.string(), error: z.string().optional(), correlationData: z.string().optional() })),
});

export interface Dynsec extends BrokerDeviceAuth { close(): Promise<void> }

/** The broker did not take the change; nothing was committed in the hub either. */
export class BrokerAuthFailed extends AppError {
  constructor(message: string) { super('UNAVAILABLE', `the MQTT broker did not apply the device credentials: ${message}`, { retryable: true }); }
}

/** Only what a device needs: publish its alarms and status (its last will), hear its commands. */
export function deviceAcls(deviceId: string) {
  return [
    { acltype: 'publishClientSend', topic: `devices/${deviceId}/alarms`, allow: true },
    { acltype: 'publishClientSend', topic: `devices/${deviceId}/status`, allow: true },
    { acltype: 'subscribeLiteral', topic: `devices/${deviceId}/commands`, allow: true },
  ];
}

/**
 * Mosquitto's dynamic-security plugin, driven over its control topic by MQTT_URL's user (a
 * dynsec admin: `mosquitto_ctrl dynsec init`). One client and one role per device, named after
 * the device id. Responses reach every admin connected (every hub): each command carries its own
 * correlationData and the answer is matched by it.
 */
export async function startDynsec(o: { url: string; hubId: string; log: Logger; timeoutMs?: number }): Promise<Dynsec> {
  const log = o.log.child({ component: 'mqtt-dynsec' });
  const timeoutMs = o.timeoutMs ?? 10_000;
  const client: MqttClient = await mqtt.connectAsync(o.url, {
    clientId: `hub-${o.hubId}-dynsec-${randomUUID().slice(0, 8)}`, clean: true, protocolVersion: 5, reconnectPeriod: 1000, connectTimeout: 10_000,
  });
  client.on('error', (err) => log.warn({ err }, 'dynsec connection error'));
  const pending = new Map<string, { resolve: (error: string | undefined) => void }>();
  client.on('message', (topic, payload) => {
    if (topic !== `${CONTROL}/response`) return;
    let parsed;
    try { parsed = Responses.parse(JSON.parse(payload.toString())); } catch { return; }
    for (const r of parsed.responses) {
      const p = r.correlationData ? pending.get(r.correlationData) : undefined;
      if (p) { pending.delete(r.correlationData!); p.resolve(r.error); }
    }
  });
  await client.subscribeAsync(`${CONTROL}/response`, { qos: 1 });

  /** runs the commands in order; resolves with each command's error text (undefined: done) */
  async function exec(commands: Array<Record<string, unknown>>): Promise<Array<string | undefined>> {
    const ids = commands.map(() => randomUUID());
    const answers = ids.map((id) => new Promise<string | undefined>((resolve, reject) => {
      const timer = setTimeout(() => { pending.delete(id); reject(new BrokerAuthFailed(`no answer within ${timeoutMs} ms`)); }, timeoutMs);
      pending.set(id, { resolve: (e) => { clearTimeout(timer); resolve(e); } });
    }));
    await client.publishAsync(CONTROL, JSON.stringify({ commands: commands.map((c, i) => ({ ...c, correlationData: ids[i] })) }), { qos: 1 });
    return Promise.all(answers);
  }
  const check = (errors: Array<string | undefined>, tolerated: string[]) => {
    const bad = errors.find((e) => e !== undefined && !tolerated.includes(e));
    if (bad) throw new BrokerAuthFailed(bad);
  };

  return {
    async upsert(deviceId, token) {
      const rolename = `device-${deviceId}`;
      const created = await exec([
        { command: 'createRole', rolename, acls: deviceAcls(deviceId) },
        { command: 'createClient', username: deviceId, password: token, roles: [{ rolename }] },
      ]);
      check(created, ['Role already exists', 'Client already exists']);
      if (created[1] === 'Client already exists') {
        // rotation: the plugin disconnects a client whose password changed
        check(await exec([{ command: 'setClientPassword', username: deviceId, password: token }]), []);
      }
      log.info({ deviceId }, 'device provisioned on the broker');
    },
    async revoke(deviceId) {
      check(await exec([
        { command: 'deleteClient', username: deviceId },
        { command: 'deleteRole', rolename: `device-${deviceId}` },
      ]), ['Client not found', 'Role not found']);
      log.info({ deviceId }, 'device removed from the broker');
    },
    async close() {
      for (const p of pending.values()) p.resolve('closed');
      pending.clear();
      await client.endAsync();
    },
  };
}
