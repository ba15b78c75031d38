import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FeedbackPhoto } from '../../db/schema/index.js';
import { BadRequest } from '../platform/errors.js';

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};
const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/**
 * Decodes a data URL the schema already bounded, and checks that the bytes are what the
 * type claims: a renamed file or a script is refused rather than stored and served back.
 */
export function decodeImage(dataUrl: string, field: string, maxBytes: number): { contentType: string; bytes: Buffer } {
  const m = /^data:([a-z/]+);base64,(.*)$/s.exec(dataUrl);
  const contentType = m?.[1] ?? '';
  const check = MAGIC[contentType];
  if (!m || !check) throw new BadRequest('unsupported image', { [field]: 'expected PNG, JPEG or WebP' });
  const bytes = Buffer.from(m[2]!, 'base64');
  if (bytes.length > maxBytes) throw new BadRequest('image too large', { [field]: `at most ${Math.round(maxBytes / 1024)} KiB` });
  if (!check(bytes)) throw new BadRequest('the image does not match its type', { [field]: `not a ${contentType} file` });
  return { contentType, bytes };
}

/** Photos live under DATA_DIR/attachments/orders/<orderId>/; the row keeps the relative path. */
export async function storeOrderPhoto(dataDir: string, orderId: string, img: { contentType: string; bytes: Buffer }): Promise<FeedbackPhoto> {
  const id = randomUUID();
  const rel = path.join('attachments', 'orders', orderId, `${id}.${EXT[img.contentType]}`);
  await mkdir(path.dirname(path.join(dataDir, rel)), { recursive: true });
  await writeFile(path.join(dataDir, rel), img.bytes, { flag: 'wx' });
  return { id, contentType: img.contentType, bytes: img.bytes.length, path: rel };
}

export async function readOrderPhoto(dataDir: string, photo: FeedbackPhoto): Promise<Buffer> {
  // The path came from our own insert, but stay inside the attachments folder regardless.
  const full = path.resolve(dataDir, photo.path);
  if (!full.startsWith(path.resolve(dataDir, 'attachments') + path.sep)) throw new Error('photo path outside attachments');
  return readFile(full);
}
