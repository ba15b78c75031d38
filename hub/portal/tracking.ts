import { timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../mail/secrets.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The tracking link in the acknowledgement mail: the request id and a MAC over it. Nothing is
 * stored, it cannot be guessed from a request number, and hubs sharing HUB_SECRET_KEY agree.
 */
export function trackingToken(secrets: SecretBox, requestId: string): string {
  return `${requestId}.${secrets.mac('tracking', requestId).subarray(0, 18).toString('base64url')}`;
}

/** The request id a tracking token names, or null when it was not made by us. */
export function verifyTrackingToken(secrets: SecretBox, token: string): string | null {
  const [id, sig] = token.split('.');
  if (!id || !sig || !UUID.test(id)) return null;
  const want = secrets.mac('tracking', id).subarray(0, 18);
  const got = Buffer.from(sig, 'base64url');
  return got.length === want.length && timingSafeEqual(got, want) ? id : null;
}

export function trackingPath(secrets: SecretBox, requestId: string): string {
  return `/portal/t/${trackingToken(secrets, requestId)}`;
}
