import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { listenWithFallback } from '../../hub/platform/listen.js';
import type { Logger } from '../../hub/platform/logger.js';
import { IntakeGate } from './gate.js';
import { handleDeviceMessage, type MqttHubServices } from './handle.js';

export interface EmbeddedBroker {
  port: number;
  close(): Promise<void>;
}

const SERVER_UNAVAILABLE = 3;
const BAD_CREDENTIALS = 4;

/**
 * The hub as the MQTT broker (aedes, MQTT 3.1.1). Devices sign in with their id and token and may
 * publish only under their own id. An alarm's PUBACK waits in `authorizePublish` until the batch
 * that records it has committed; many device connections give the batch its concurrency (aedes
 * handles one socket read's packets at once, so even one device may have several in flight).
 */
export async function startEmbeddedBroker(hub: MqttHubServices, opts: { port: number; isPortExplicit: boolean; maxPending: number; log: Logger }): Promise<EmbeddedBroker> {
  const log = opts.log.child({ component: 'mqtt', broker: 'embedded' });
  const deviceOf = new WeakMap<Client, string>();
  const gate = new IntakeGate(opts.maxPending);
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      if (!username || !password) return done(authError('device id and token required'), false);
      hub.verifyDevice(username, password.toString('utf8')).then((ok) => {
        if (!ok) return done(authError('unknown device or wrong token'), false);
        deviceOf.set(client, username);
        done(null, true);
      }, (err: unknown) => {
        log.error({ err }, 'device check failed');
        done(authError('device check failed', SERVER_UNAVAILABLE), false);
      });
    },
    authorizePublish: (client, packet, done) => {
      const deviceId = client ? deviceOf.get(client) : undefined;
      // The broker's own publishes (none today) pass; a client that is not a device cannot connect.
      if (!client) return done(null);
      if (!deviceId) return done(new Error('not signed in'));
      // Past the hub's bound the message waits for room, and aedes reads nothing more from this
      // device until it is settled (gate.ts).
      gate.whenOpen(() => {
        const recorded = handleDeviceMessage(hub, packet.topic, Buffer.from(packet.payload), { authDeviceId: deviceId });
        gate.take(recorded);
        recorded.then(
          () => done(null),
          (err: unknown) => {
            // Not committed: no PUBACK. The connection closes and the device sends the message again.
            log.warn({ err, deviceId }, 'alarm not recorded; closing the connection so the device retries');
            done(err instanceof Error ? err : new Error(String(err)));
          },
        );
      });
    },
    // Devices may hear only their own command topic; nobody may subscribe to alarms, so a
    // message the hub has dead-lettered (e.g. under another device's id) goes nowhere.
    authorizeSubscribe: (client, sub, done) => {
      const deviceId = deviceOf.get(client);
      done(null, deviceId && sub.topic === `devices/${deviceId}/commands` ? sub : null);
    },
  });
  broker.on('clientReady', (client) => {
    const deviceId = deviceOf.get(client);
    if (deviceId) void hub.setDeviceOnline(deviceId, true, new Date()).catch((err: unknown) => log.warn({ err, deviceId }, 'device presence not saved'));
  });
  broker.on('clientDisconnect', (client) => {
    const deviceId = deviceOf.get(client);
    if (deviceId) void hub.setDeviceOnline(deviceId, false, new Date()).catch((err: unknown) => log.warn({ err, deviceId }, 'device presence not saved'));
  });

  const server: Server = createServer(broker.handle);
  let port: number;
  try {
    port = await listenWithFallback(server, { port: opts.port, isExplicit: opts.isPortExplicit, variable: 'MQTT_PORT' });
  } catch (err) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw err;
  }
  log.info({ port }, 'embedded mqtt broker listening');
  return {
    port,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function authError(message: string, returnCode: number = BAD_CREDENTIALS): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}
