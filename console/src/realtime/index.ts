import { createSignal } from 'solid-js';
import type { LoggedEvent } from '../api/types';
import { createEventLogClient, type ConnectionState, type Presence, type RealtimeClient } from './client';
import { createSocketClient } from './socket-client';

let client: RealtimeClient | null = null;

/** The one live connection of this tab, made on first use after sign-in. */
export function realtime(): RealtimeClient {
  client ??= createAutoClient();
  return client;
}

export function closeRealtime(): void {
  client?.close();
  client = null;
}

/**
 * socket.io when the hub serves it, else the event log over HTTP: stores subscribe and listen
 * once, and the switch (rooms, listeners, resume position) happens underneath them.
 */
function createAutoClient(): RealtimeClient {
  const rooms = new Map<string, number>();
  const frames = new Set<(e: LoggedEvent) => void>();
  const reloads = new Set<(rooms: string[]) => void>();
  const presences = new Set<(p: Presence) => void>();
  const [inner, setInner] = createSignal<RealtimeClient | null>(null);
  const innerOff = new Map<string, () => void>();
  let detach: Array<() => void> = [];

  const use = (next: RealtimeClient, after: number) => {
    detach.forEach((fn) => fn());
    inner()?.close();
    detach = [
      next.onFrame((e) => frames.forEach((fn) => fn(e))), next.onReload((r) => reloads.forEach((fn) => fn(r))),
      next.onPresence((p) => presences.forEach((fn) => fn(p))),
    ];
    innerOff.clear();
    for (const r of rooms.keys()) innerOff.set(r, next.subscribe([r]));
    setInner(next);
    next.connect({ after });
  };

  return {
    connect() {
      if (inner()) return;
      use(createSocketClient({ onUnavailable: () => use(createEventLogClient(), Math.max(0, inner()?.lastSeq() ?? 0)) }), 0);
    },
    subscribe(list) {
      for (const r of list) {
        const n = rooms.get(r) ?? 0;
        rooms.set(r, n + 1);
        const cur = inner();
        if (n === 0 && cur) innerOff.set(r, cur.subscribe([r]));
      }
      return () => {
        for (const r of list) {
          const n = (rooms.get(r) ?? 1) - 1;
          if (n > 0) { rooms.set(r, n); continue; }
          rooms.delete(r);
          innerOff.get(r)?.();
          innerOff.delete(r);
        }
      };
    },
    onFrame(fn) { frames.add(fn); return () => frames.delete(fn); },
    onReload(fn) { reloads.add(fn); return () => reloads.delete(fn); },
    onPresence(fn) { presences.add(fn); return () => presences.delete(fn); },
    state: (): ConnectionState => inner()?.state() ?? { status: 'connecting', staleSince: null, transport: 'socket' },
    lastSeq: () => inner()?.lastSeq() ?? -1,
    close() {
      detach.forEach((fn) => fn());
      inner()?.close();
      setInner(null);
    },
  };
}
