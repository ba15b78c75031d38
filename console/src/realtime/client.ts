import { createSignal, type Accessor } from 'solid-js';
import { api, ApiError } from '../api/client';
import type { LoggedEvent } from '../api/types';
import { isInRooms, judgeBatch } from './frames';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting';

export interface ConnectionState {
  status: ConnectionStatus;
  /** when the console last knew it was up to date; set while not live */
  staleSince: Date | null;
  transport: 'socket' | 'event-log';
}

/** The console's view of the hub's live stream, whatever carries it. */
export interface RealtimeClient {
  /** start from a resume position (the last seq the console applied); 0 asks for "now" */
  connect(opts?: { after?: number }): void;
  /** listen to rooms (refcounted); returns the unsubscribe */
  subscribe(rooms: readonly string[]): () => void;
  onFrame(fn: (event: LoggedEvent) => void): () => void;
  /** the resume position was lost: reload snapshots of these rooms */
  onReload(fn: (rooms: string[]) => void): () => void;
  /** who else has a request open (socket transport only; the event log has no presence) */
  onPresence(fn: (p: Presence) => void): () => void;
  state: Accessor<ConnectionState>;
  lastSeq(): number;
  close(): void;
}

export interface Presence { requestId: string; viewers: Array<{ userId: string; name: string }> }

interface EventPage { items: LoggedEvent[]; lastSeq: number }

const POLL_MS = 700;
const BACKOFF_MS = [1000, 2000, 4000, 8000];

/**
 * Reads the hub's event log (GET /api/events?after=N) in commit order. It needs nothing but
 * HTTP, so it works against any hub; the socket transport of the realtime issue plugs in behind
 * the same interface. Frames are delivered once, in seq order, only for subscribed rooms.
 */
export function createEventLogClient(opts: { pollMs?: number } = {}): RealtimeClient {
  const rooms = new Map<string, number>();
  const frameListeners = new Set<(e: LoggedEvent) => void>();
  const reloadListeners = new Set<(rooms: string[]) => void>();
  const [state, setState] = createSignal<ConnectionState>({ status: 'connecting', staleSince: null, transport: 'event-log' });
  let last = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let isClosed = true;
  let lastGood = new Date();

  const roomSet = () => new Set(rooms.keys());
  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (!isClosed) timer = setTimeout(() => void tick(), ms);
  };

  async function tick(): Promise<void> {
    let isBehind = false;
    try {
      if (last < 0) {
        last = (await api<EventPage>('GET', '/events?after=0&limit=1')).lastSeq;
      } else {
        const page = await api<EventPage>('GET', `/events?after=${last}&limit=500`);
        const verdict = judgeBatch(last, page.items, page.lastSeq);
        last = verdict.lastSeq;
        if (verdict.kind === 'reload') reloadListeners.forEach((fn) => fn([...rooms.keys()]));
        else {
          const subscribed = roomSet();
          for (const f of verdict.frames) if (isInRooms(f, subscribed)) frameListeners.forEach((fn) => fn(f));
        }
        isBehind = page.lastSeq > last;
      }
      failures = 0;
      lastGood = new Date();
      if (state().status !== 'live') setState({ status: 'live', staleSince: null, transport: 'event-log' });
      schedule(isBehind ? 0 : opts.pollMs ?? POLL_MS);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return close();
      failures += 1;
      setState({ status: 'reconnecting', staleSince: lastGood, transport: 'event-log' });
      schedule(BACKOFF_MS[Math.min(failures - 1, BACKOFF_MS.length - 1)]!);
    }
  }

  function close() {
    isClosed = true;
    clearTimeout(timer);
  }

  return {
    connect(o = {}) {
      if (!isClosed) return;
      isClosed = false;
      if (o.after && o.after > 0) last = o.after;
      setState({ status: 'connecting', staleSince: null, transport: 'event-log' });
      void tick();
    },
    subscribe(list) {
      for (const r of list) rooms.set(r, (rooms.get(r) ?? 0) + 1);
      return () => {
        for (const r of list) {
          const n = (rooms.get(r) ?? 1) - 1;
          if (n <= 0) rooms.delete(r);
          else rooms.set(r, n);
        }
      };
    },
    onFrame(fn) {
      frameListeners.add(fn);
      return () => frameListeners.delete(fn);
    },
    onReload(fn) {
      reloadListeners.add(fn);
      return () => reloadListeners.delete(fn);
    },
    onPresence: () => () => undefined,
    state,
    lastSeq: () => last,
    close,
  };
}
