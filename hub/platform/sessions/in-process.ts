import type { Logger } from '../logger.js';
import type { ExclusiveSessions, SessionRun } from './port.js';

/** One process: every held key runs here in one session that lasts until it is released (no hand-over needed). */
export function createInProcessSessions(o: { log: Logger }): ExclusiveSessions {
  const log = o.log.child({ component: 'sessions', adapter: 'in-process' });
  const loops = new Map<string, { stop: AbortController; done: Promise<void> }>();
  let running = 0;

  async function loop(key: string, run: SessionRun, stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      running++;
      try {
        await run(stop);
      } catch (err) {
        log.warn({ err, key }, 'session failed');
        // A session that fails at once must not spin: wait a little before the next one.
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        running--;
      }
    }
  }

  return {
    kind: 'in-process',
    get held() { return loops.size; },
    get running() { return running; },
    async hold(key, run) {
      if (loops.has(key)) return;
      const stop = new AbortController();
      loops.set(key, { stop, done: loop(key, run, stop.signal) });
    },
    async release(key) {
      const l = loops.get(key);
      if (!l) return;
      loops.delete(key);
      l.stop.abort();
      await l.done;
    },
    async close() {
      await Promise.all([...loops.keys()].map((k) => this.release(k)));
    },
  };
}
