import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * AES-256-GCM for stored credentials (mailbox URLs). The key is HUB_SECRET_KEY, else a key
 * file created once in DATA_DIR: hubs sharing a database must share that key.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  }

  static fromConfig(secretKey: Buffer | undefined, dataDir: string): SecretBox {
    if (secretKey) return new SecretBox(secretKey);
    const file = path.join(dataDir, 'secret.key');
    try {
      return new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    mkdirSync(dataDir, { recursive: true });
    const key = randomBytes(32);
    // 'wx': two processes starting at once must not overwrite each other's key.
    try {
      writeFileSync(file, key.toString('hex'), { mode: 0o600, flag: 'wx' });
      return new SecretBox(key);
    } catch {
      return new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'));
    }
  }

  /** HMAC-SHA-256 under a key derived per purpose (`label`), e.g. for unguessable tracking links. */
  mac(label: string, data: string): Buffer {
    const derived = createHmac('sha256', this.key).update(`hub:${label}`).digest();
    return createHmac('sha256', derived).update(data).digest();
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
  }

  open(sealed: string): string {
    const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    if (!iv || !tag || !data) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }
}
