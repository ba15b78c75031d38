import { CtiWebhookBody } from '../../hub/contracts/api/calls.js';

export type CtiParse =
  | { ok: true; event: CtiWebhookBody }
  | { ok: false; reason: string; fields: Record<string, string> };

/**
 * A PBX's call event in Zammad's generic CTI format → one checked event. Form posts name the
 * agent list `user[]` (one key per value); JSON posts send `user` as a string or an array.
 */
export function parseCtiEvent(raw: Record<string, unknown>): CtiParse {
  const { 'user[]': formUsers, ...rest } = raw;
  const input = formUsers !== undefined && rest.user === undefined ? { ...rest, user: formUsers } : rest;
  const parsed = CtiWebhookBody.safeParse(input);
  if (parsed.success) return { ok: true, event: parsed.data };
  const fields: Record<string, string> = {};
  for (const i of parsed.error.issues) fields[i.path.map(String).join('.') || '_'] ??= i.message;
  return { ok: false, reason: 'not a CTI call event', fields };
}
