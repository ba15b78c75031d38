import mqtt, { type MqttClient, type Packet } from 'mqtt';

type SendPacket = (packet: Packet, cb?: () => void, ...rest: unknown[]) => void;
import type { Logger } from '../../hub/platform/logger.js';
import { IntakeGate } from './gate.js';
import { handleDeviceMessage, type MqttHubServices } from './handle.js';

export interface SubscriberPool {
  connections: number;
  /**
   * Graceful shutdown: take no new messages (they stay unacknowledged, so the broker keeps them in
   * this hub's persistent session), and resolve once every message taken has committed and its
   * PUBACK is written.
   */
  drain(): Promise<void>;
  close(): Promise<void>;
}

interface Intake { isDraining: boolean; acks: Set<Promise<unknown>>; gate: IntakeGate }

/** The hubs share these: the broker spreads the messages over every subscriber of the group. */
export const SHARED_TOPICS = ['$share/hub/devices/+/alarms', '$share/hub/devices/+/status'];

/**
 * The hub as a subscriber of an external broker (Mosquitto, EMQX): a pool of persistent-session
 * connections on the shared subscription, so the broker spreads the load over connections (and
 * hubs); each PUBACK is sent only after the batch that records its message committed. Client ids are fixed per hub (HUB_ID), so a
 * restarted hub resumes its sessions and gets what the broker queued meanwhile.
 */
export async function startSubscriberPool(
  hub: MqttHubServices, opts: { url: string; hubId: string; connections: number; maxPending: number; log: Logger },
): Promise<SubscriberPool> {
  const log = opts.log.child({ component: 'mqtt', broker: 'external' });
  const clients: MqttClient[] = [];
  const ready: Array<Promise<void>> = [];
  const intake: Intake = { isDraining: false, acks: new Set(), gate: new IntakeGate(opts.maxPending) };
  for (let n = 0; n < opts.connections; n++) {
    const c = connect(hub, opts.url, `hub-${opts.hubId}-${n}`, log, intake);
    clients.push(c.client);
    ready.push(c.isSubscribed);
  }
  // Ready once subscribed: a new hub's first messages must not be published into a group it has not joined yet.
  await Promise.all(ready).catch(async (err: unknown) => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    throw err;
  });
  log.info({ connections: clients.length }, 'subscribed to the external mqtt broker');
  const drain = async () => {
    intake.isDraining = true;
    // A reader parked at the gate sends its message's PUBACK (through `deferred`, into `acks`)
    // only once it is let on: wait for the gate, then for the PUBACKs.
    for (;;) {
      await intake.gate.whenIdle();
      if (!intake.acks.size) return;
      await Promise.allSettled([...intake.acks]);
    }
  };
  return {
    connections: clients.length,
    drain,
    async close() {
      await drain();
      await Promise.all(clients.map((c) => c.endAsync()));
    },
  };
}

function connect(hub: MqttHubServices, url: string, clientId: string, log: Logger, intake: Intake): { client: MqttClient; isSubscribed: Promise<void> } {
  const client = mqtt.connect(url, { clientId, clean: false, protocolVersion: 4, reconnectPeriod: 1000, connectTimeout: 10_000 });
  let subscribed!: () => void;
  let failed!: (err: Error) => void;
  const isSubscribed = new Promise<void>((resolve, reject) => { subscribed = resolve; failed = reject; });
  client.once('error', (err) => failed(err));
  client.on('connect', (connack) => {
    // A resumed session keeps its subscriptions; subscribing again is harmless and covers a lost one.
    if (connack.sessionPresent) { subscribed(); return; }
    client.subscribe(SHARED_TOPICS, { qos: 1 }, (err) => {
      if (err) { log.error({ err, clientId }, 'subscribe failed'); failed(err); } else subscribed();
    });
  });
  client.on('error', (err) => log.warn({ err, clientId }, 'mqtt connection error'));
  // mqtt.js reads a connection's next message only after handleMessage's callback, and that
  // callback sends the PUBACK: waiting in it for the commit allows one message per connection per
  // transaction (STACK.md measured 69 msg/s). So the callback returns at once and the PUBACK
  // itself is held back until the message's batch has committed; mqtt.js keeps reading, and the
  // hub's intake gate bounds what is pending: past it, the callback waits for room, so mqtt.js
  // stops reading this connection (the broker's max_inflight_messages did not hold, gate.ts).
  const held = new Map<number, { recorded: Promise<unknown>; connection: number }>();
  // A PUBACK belongs to the connection that received its message; after a reconnect the broker redelivers instead.
  let connection = 0;
  client.on('connect', () => { connection++; });
  const fail = (err: unknown) => {
    log.warn({ err, clientId }, 'alarm not recorded; reconnecting so the broker redelivers');
    held.clear();
    client.stream.destroy();
  };
  client.on('close', () => held.clear());
  /** messages refused while draining: their PUBACK is never sent, so the broker keeps them */
  const refused = new Set<number>();
  client.on('connect', () => refused.clear());
  client.handleMessage = (packet, callback) => {
    if (intake.isDraining) {
      if (packet.qos === 1 && packet.messageId !== undefined) refused.add(packet.messageId);
      callback();
      return;
    }
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : Buffer.from(packet.payload);
    const recorded = handleDeviceMessage(hub, packet.topic, payload);
    intake.gate.take(recorded);
    if (packet.qos === 1 && packet.messageId !== undefined) {
      const taken = connection;
      held.set(packet.messageId, { recorded, connection: taken });
      // After a reconnect the callback would PUBACK this message id on the new connection, where
      // it may name another message: the old connection's reader is gone, and the broker redelivers.
      intake.gate.whenOpen(() => { if (taken === connection) callback(); });
      return;
    }
    recorded.then(() => callback(), fail);
  };
  const sendPacket: SendPacket = client['_sendPacket'].bind(client);
  const deferred: SendPacket = (packet, cb, ...rest) => {
    if (packet.cmd === 'puback' && packet.messageId !== undefined && refused.delete(packet.messageId)) { cb?.(); return; }
    const h = packet.cmd === 'puback' && packet.messageId !== undefined ? held.get(packet.messageId) : undefined;
    if (!h) return sendPacket(packet, cb, ...rest);
    held.delete(packet.messageId!);
    cb?.();
    const ack = h.recorded.then(() => { if (client.connected && h.connection === connection) sendPacket(packet, undefined, ...rest); }, fail);
    intake.acks.add(ack);
    void ack.finally(() => intake.acks.delete(ack));
  };
  client['_sendPacket'] = deferred;
  return { client, isSubscribed };
}
