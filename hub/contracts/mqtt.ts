import { z } from 'zod';
import { Severity } from './model.js';

/** What a device publishes, QoS 1, to devices/<deviceId>/alarms (DESIGN.md, MQTT). */
export const AlarmPayload = z.object({
  id: z.string().min(1).max(200).optional(),
  code: z.string().trim().min(1).max(100),
  state: z.enum(['raised', 'cleared']),
  severity: Severity.optional(),
  message: z.string().max(2000).optional(),
  ts: z.iso.datetime({ offset: true }).optional(),
});
export type AlarmPayload = z.infer<typeof AlarmPayload>;

/** devices/<deviceId>/status: the device's last will is {"online": false} */
export const StatusPayload = z.object({ online: z.boolean() });

/** The hub accepts alarm messages up to this size; larger ones are dead letters. */
export const MAX_ALARM_BYTES = 64 * 1024;
