import { and, eq, isNull, lte, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { devices } from '../../db/schema/index.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { verifyDeviceToken } from './routes.js';

/** Device credentials and presence, for the MQTT connector (devices are not users: DESIGN.md). */
export class DeviceService {
  constructor(private readonly db: Db, private readonly bus: EventBus) {}

  /** The device id (MQTT username) and its current token (password); a revoked device is refused. */
  async verify(deviceId: string, token: string): Promise<boolean> {
    return (await verifyDeviceToken(this.db, deviceId, token)) !== null;
  }

  /**
   * Online on connect, offline from the last will or a disconnect; the alarm console hears of it.
   * The broker's events are written without waiting for each other, so a quick connect and
   * disconnect can commit in either order: a status older than the stored one changes nothing.
   */
  async setOnline(deviceId: string, isOnline: boolean, at: Date): Promise<void> {
    await commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const [d] = await tx.update(devices).set({ isOnline, lastSeenAt: at })
        .where(and(eq(devices.id, deviceId), or(isNull(devices.lastSeenAt), lte(devices.lastSeenAt, at))))
        .returning({ id: devices.id, assetId: devices.assetId });
      if (d) emit({ type: 'device.status_changed', data: { deviceId: d.id, assetId: d.assetId, isOnline, at: at.toISOString() } });
    });
  }
}
