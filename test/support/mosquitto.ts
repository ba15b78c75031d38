import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import path from 'node:path';
import { uniquePrefix } from './databases.js';

export interface PrivateMosquitto {
  /** with dynsec: carries the admin user (the hub's MQTT_URL) */
  url: string;
  /** without credentials (devices bring their own) */
  plainUrl: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const PROJECT_CONF = path.resolve('deploy/mosquitto/mosquitto.conf');
const DYNSEC_CONF = path.resolve('deploy/mosquitto/mosquitto-dynsec.conf');
const DYNSEC_PLUGIN = ['/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so', '/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so', '/usr/lib/mosquitto_dynamic_security.so']
  .find((p) => existsSync(p)) ?? '/usr/lib/mosquitto_dynamic_security.so';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const address = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

/**
 * A Mosquitto of its own for a test file: the project's configuration (raised queue and
 * in-flight limits, persistence), with the listener on a free port and data in a fresh directory
 * (owned by the mosquitto user when run as root: the broker drops to it).
 */
export async function startMosquitto(opts: { dynsec?: { user: string; password: string } } = {}): Promise<PrivateMosquitto> {
  const port = await freePort();
  const dir = path.resolve('.tmp', uniquePrefix('mosquitto'));
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const dynsecFile = path.join(dir, 'data', 'dynamic-security.json');
  const conf = readFileSync(opts.dynsec ? DYNSEC_CONF : PROJECT_CONF, 'utf8')
    .replace(/^listener\s+\d+.*$/m, `listener ${port} 127.0.0.1`)
    .replace(/^persistence_location\s+.*$/m, `persistence_location ${path.join(dir, 'data')}/`)
    .replace(/^plugin\s+.*$/m, `plugin ${DYNSEC_PLUGIN}`)
    .replace(/^plugin_opt_config_file\s+.*$/m, `plugin_opt_config_file ${dynsecFile}`);
  writeFileSync(path.join(dir, 'mosquitto.conf'), conf);
  if (opts.dynsec) execFileSync('mosquitto_ctrl', ['dynsec', 'init', dynsecFile, opts.dynsec.user, opts.dynsec.password], { stdio: 'ignore' });
  if (process.getuid?.() === 0) {
    const { uid, gid } = mosquittoUser();
    for (const p of [dir, path.join(dir, 'data'), path.join(dir, 'mosquitto.conf'), ...(opts.dynsec ? [dynsecFile] : [])]) chownSync(p, uid, gid);
  }
  const child: ChildProcess = spawn('mosquitto', ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  await waitForPort(port, child, () => stderr);
  const auth = opts.dynsec ? `${encodeURIComponent(opts.dynsec.user)}:${encodeURIComponent(opts.dynsec.password)}@` : '';
  return {
    url: `mqtt://${auth}127.0.0.1:${port}`, plainUrl: `mqtt://127.0.0.1:${port}`, port, pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function mosquittoUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('mosquitto:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return { uid: Number(uid ?? 0), gid: Number(gid ?? 0) };
}

async function waitForPort(port: number, child: ChildProcess, err: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited: ${err()}`);
    const isOpen = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (isOpen) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}: ${err()}`);
}
