import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';

const DOVECOT = '/usr/sbin/dovecot';
const USER = 'hub';
const PASSWORD = 'hub-test-password';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** As root, mail belongs to Debian's `dovecot` user (Dovecot refuses uid 0); otherwise to us. */
function mailOwner(): { uid: number; gid: number; internalUser: string; loginUser: string } {
  const me = userInfo();
  if (me.uid !== 0) return { uid: me.uid, gid: me.gid, internalUser: me.username, loginUser: me.username };
  const id = (flag: string) => Number(spawnSync('id', [flag, 'dovecot'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g'), internalUser: 'dovecot', loginUser: 'dovenull' };
}

export interface Dovecot {
  port: number;
  user: string;
  password: string;
  /** imap://hub:…@127.0.0.1:port/INBOX */
  url: string;
  /** an authenticated client (the caller logs it out) */
  client(): Promise<ImapFlow>;
  /** IMAP APPEND of raw messages to INBOX */
  append(messages: Array<string | Buffer>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A private Dovecot (Debian's dovecot-imapd) in a temp directory on a free port: passwd-file
 * user, Maildir, plaintext auth on loopback. Its stdio goes to a file: Dovecot keeps inherited
 * pipes open, which would keep the test runner waiting.
 */
export async function startDovecot(): Promise<Dovecot> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hub-dovecot-'));
  // Dovecot's auth process runs as its own user and must reach the passwd file.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const owner = mailOwner();
  const home = path.join(dir, 'home');
  for (const d of [home, path.join(dir, 'base'), path.join(dir, 'state')]) mkdirSync(d, { recursive: true });
  chownSync(home, owner.uid, owner.gid);
  writeFileSync(path.join(dir, 'passwd'), `${USER}:{PLAIN}${PASSWORD}:${owner.uid}:${owner.gid}::${home}::\n`);
  const conf = path.join(dir, 'dovecot.conf');
  writeFileSync(conf, [
    'protocols = imap', 'listen = 127.0.0.1', `base_dir = ${dir}/base`, `state_dir = ${dir}/state`,
    `log_path = ${dir}/dovecot.log`, `info_log_path = ${dir}/dovecot.log`, 'ssl = no', 'disable_plaintext_auth = no',
    'auth_mechanisms = plain login', `default_internal_user = ${owner.internalUser}`, `default_login_user = ${owner.loginUser}`,
    'first_valid_uid = 1', 'mail_location = maildir:~/Maildir',
    // IDLE learns of new mail through inotify; when the machine runs out of inotify instances
    // (128 per user, easily reached by a parallel test run) Dovecot falls back to checking every
    // 30 s by default, longer than a test waits.
    'mailbox_idle_check_interval = 1 secs',
    `passdb {\n  driver = passwd-file\n  args = ${dir}/passwd\n}`, `userdb {\n  driver = passwd-file\n  args = ${dir}/passwd\n}`,
    `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${port}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
    'service anvil {\n  chroot =\n}', 'service imap-login {\n  chroot =\n}',
    '',
  ].join('\n'));
  const out = openSync(path.join(dir, 'stdio.log'), 'a');
  const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const client = async () => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: USER, pass: PASSWORD }, logger: false, disableAutoIdle: true });
    c.on('error', () => {});
    await c.connect();
    return c;
  };
  // Ready when a login works (bounded: Dovecot starts in well under a second).
  for (let i = 0; ; i++) {
    try {
      const c = await client();
      await c.logout();
      break;
    } catch (err) {
      if (i > 50 || child.exitCode !== null) {
        const log = [path.join(dir, 'dovecot.log'), path.join(dir, 'stdio.log')].map((f) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } }).join('\n');
        child.kill('SIGKILL');
        await exited;
        throw new Error(`dovecot did not start: ${(err as Error).message}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port, user: USER, password: PASSWORD, url: `imap://${USER}:${PASSWORD}@127.0.0.1:${port}/INBOX`, client,
    async append(messages) {
      const c = await client();
      try {
        for (const m of messages) await c.append('INBOX', m);
      } finally {
        await c.logout();
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
