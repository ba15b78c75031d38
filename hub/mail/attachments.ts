import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Content-addressed attachment files under DATA_DIR/attachments: the same file mailed twice is
 * stored once, and a redelivered mail rewrites nothing.
 */
export class AttachmentStore {
  constructor(private readonly dir: string, readonly maxBytes: number) {}

  async put(content: Buffer): Promise<string> {
    const sha256 = createHash('sha256').update(content).digest('hex');
    const file = this.pathOf(sha256);
    const exists = await stat(file).then(() => true, () => false);
    if (!exists) {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content, { flag: 'w' });
    }
    return sha256;
  }

  pathOf(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }
}
