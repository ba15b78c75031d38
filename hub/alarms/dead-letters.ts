import type { DbOrTx } from '../../db/client.js';
import { deadLetters } from '../../db/schema/index.js';
import type { Metrics } from '../platform/metrics.js';

export const DEAD_LETTER_REASONS = ['malformed_json', 'schema_violation', 'unknown_device', 'unauthorised_topic', 'oversize'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** Enough to replay any message the hub accepts (64 KiB); an oversize one keeps its first 4 KiB for diagnosis. */
const KEEP_BYTES = 64 * 1024;
const KEEP_OVERSIZE_BYTES = 4 * 1024;

export interface DeadLetterInput {
  source: string;
  reason: DeadLetterReason;
  detail: string;
  raw: Buffer;
  /** what replay needs besides the bytes: topic, deviceId, receivedAt */
  meta: Record<string, unknown>;
}

export function deadLetterRow(d: DeadLetterInput): typeof deadLetters.$inferInsert {
  const keep = d.reason === 'oversize' ? KEEP_OVERSIZE_BYTES : KEEP_BYTES;
  const isText = isUtf8(d.raw);
  const kept = d.raw.subarray(0, keep);
  return {
    source: d.source, reason: d.reason, detail: d.detail.slice(0, 1000),
    payload: isText ? kept.toString('utf8') : kept.toString('base64'),
    payloadBytes: d.raw.length,
    meta: { ...d.meta, encoding: isText ? 'utf8' : 'base64', isTruncated: d.raw.length > keep },
  };
}

export async function recordDeadLetters(db: DbOrTx, metrics: Metrics | undefined, items: DeadLetterInput[]): Promise<void> {
  if (!items.length) return;
  await db.insert(deadLetters).values(items.map(deadLetterRow));
  for (const d of items) metrics?.deadLetters.inc({ source: d.source, reason: d.reason });
}

function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return !b.includes(0);
  } catch {
    return false;
  }
}
