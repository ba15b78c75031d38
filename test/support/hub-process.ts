import { spawn, type ChildProcess } from 'node:child_process';
import { uniquePrefix } from './databases.js';

export interface HubProcess {
  url: string;
  pid: number;
  /** stdout and stderr so far (for failure messages) */
  output(): string;
  /** resolves with the exit code (null when killed by a signal) */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then wait for the exit */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, then wait for the exit */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The hub as its own OS process, started as `npm start` starts it (scripts/hub.sh, the bundle the
 * global setup built), on a free HTTP port; resolves once it printed its banner.
 */
export async function startHubProcess(env: Record<string, string>): Promise<HubProcess> {
  const child: ChildProcess = spawn('sh', ['scripts/hub.sh'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', DATA_DIR: `.tmp/${uniquePrefix('data')}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub process did not start:\n${out}`)), 60_000);
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /console (http:\/\/localhost:\d+)\//.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!.replace('localhost', '127.0.0.1')); }
    });
    child.stderr?.on('data', (b: Buffer) => { out += b.toString(); });
    void exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`hub process exited ${code}:\n${out}`)); });
  });
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    return exited;
  };
  return { url, pid: child.pid!, output: () => out, exited, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') };
}
