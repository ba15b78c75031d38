import { createSignal } from 'solid-js';
import { io, type Socket } from 'socket.io-client';
import type { LoggedEvent } from '../api/types';
import type { ConnectionState, RealtimeClient } from './client';
import { acceptEvents, advance, SOCKET, subscribeMessage, type EventsFrame, type PresenceFrame, type ReloadFrame, type StreamPosition, type SubscribeAck, type WatermarkFrame } from './protocol';

/**
 * The socket.io transport of the realtime issue: subscribe to rooms with a resume position, get
 * events (replayed, then live) in seq order, a `reload` when the position is no longer in the
 * log. Authenticates with the session cookie (same origin). `onUnavailable` fires when the hub
 * has no socket endpoint at all, so the caller can fall back to reading the event log.
 */
const CONNECT_TIMEOUT_MS = 5_000;
/** Still not connected after this long: the banner shows, so the agent knows the screen may be behind. */
const STALE_AFTER_MS = 3_000;

export function createSocketClient(opts: { onUnavailable: () => void }): RealtimeClient {
  const rooms = new Map<string, number>();
  const frames = new Set<(e: LoggedEvent) => void>();
  const reloads = new Set<(rooms: string[]) => void>();
  const presence = new Set<(p: PresenceFrame) => void>();
  const [state, setState] = createSignal<ConnectionState>({ status: 'connecting', staleSince: null, transport: 'socket' });
  let pos: StreamPosition = { upTo: -1, seen: new Set() };
  let socket: Socket | null = null;
  let hasConnected = false;
  let lastGood = new Date();
  let staleWatch: ReturnType<typeof setTimeout> | undefined;
  /** this connection has sent its first subscribe (the resume); later ones join from now */
  let isJoined = false;

  const join = (list: string[]) => {
    if (!socket?.connected || !list.length) return;
    const msg = subscribeMessage(pos, list, isJoined);
    isJoined = true;
    socket.emit(SOCKET.subscribe, msg, (ack: SubscribeAck) => {
      if (!ack.ok) return;
      if (pos.upTo < 0) pos = advance(pos, ack.upTo);
      // Joined without a replay: what these rooms had before now is the screens' snapshot to load.
      // (A replay the hub could not serve comes with a `reload` frame, handled below.)
      if (msg.afterSeq === undefined && !ack.isReloadNeeded && ack.granted.length) reloads.forEach((fn) => fn(ack.granted));
    });
  };

  function bind(s: Socket) {
    s.on('connect', () => {
      hasConnected = true;
      isJoined = false;
      lastGood = new Date();
      setState({ status: 'live', staleSince: null, transport: 'socket' });
      join([...rooms.keys()]);
    });
    s.on('disconnect', () => setState({ status: 'reconnecting', staleSince: lastGood, transport: 'socket' }));
    s.on('connect_error', () => {
      if (!hasConnected) { close(); opts.onUnavailable(); return; }
      setState({ status: 'reconnecting', staleSince: lastGood, transport: 'socket' });
    });
    s.on(SOCKET.events, (frame: EventsFrame) => {
      const r = acceptEvents(pos, frame);
      pos = r.pos;
      lastGood = new Date();
      for (const e of r.deliver) frames.forEach((fn) => fn(e));
    });
    s.on(SOCKET.watermark, (w: WatermarkFrame) => { pos = advance(pos, w.upTo); lastGood = new Date(); });
    s.on(SOCKET.reload, (r: ReloadFrame) => {
      pos = { upTo: r.upTo, seen: new Set() };
      reloads.forEach((fn) => fn(r.rooms));
    });
    s.on(SOCKET.presence, (p: PresenceFrame) => presence.forEach((fn) => fn(p)));
  }

  // The browser knows before a ping times out (up to 45 s) that the network is gone: the socket
  // is dropped at once (the screen says it is stale), and comes back as soon as the network does
  // rather than after the reconnection backoff.
  const goOffline = () => {
    if (!socket || (!socket.connected && !socket.active)) return;
    socket.disconnect();
    setState({ status: 'reconnecting', staleSince: lastGood, transport: 'socket' });
  };
  const goOnline = () => { if (socket && !socket.connected) socket.disconnect().connect(); };

  function close() {
    window.removeEventListener('offline', goOffline);
    window.removeEventListener('online', goOnline);
    clearTimeout(staleWatch);
    socket?.removeAllListeners();
    socket?.disconnect();
    socket = null;
  }

  return {
    connect(o = {}) {
      if (socket) return;
      if (o.after && o.after > 0) pos = { upTo: o.after, seen: new Set() };
      // A connection attempt that neither opens nor fails (a proxy swallowing the upgrade) gives up
      // after CONNECT_TIMEOUT_MS, and the screen says it is stale long before socket.io's 20 s default.
      socket = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'], reconnectionDelayMax: 8000, timeout: CONNECT_TIMEOUT_MS });
      bind(socket);
      window.addEventListener('offline', goOffline);
      window.addEventListener('online', goOnline);
      staleWatch = setTimeout(() => {
        if (state().status === 'connecting') setState({ status: 'reconnecting', staleSince: lastGood, transport: 'socket' });
      }, STALE_AFTER_MS);
    },
    subscribe(list) {
      const added = list.filter((r) => !rooms.has(r));
      for (const r of list) rooms.set(r, (rooms.get(r) ?? 0) + 1);
      join(added);
      return () => {
        const left: string[] = [];
        for (const r of list) {
          const n = (rooms.get(r) ?? 1) - 1;
          if (n <= 0) { rooms.delete(r); left.push(r); } else rooms.set(r, n);
        }
        if (left.length && socket?.connected) socket.emit(SOCKET.unsubscribe, { rooms: left }, () => undefined);
      };
    },
    onFrame(fn) { frames.add(fn); return () => frames.delete(fn); },
    onReload(fn) { reloads.add(fn); return () => reloads.delete(fn); },
    onPresence(fn) { presence.add(fn); return () => presence.delete(fn); },
    state,
    lastSeq: () => pos.upTo,
    close,
  };
}
