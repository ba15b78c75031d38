import { Counter, Gauge, type Registry } from 'prom-client';
import type { Server } from 'socket.io';
import type { EventFeed } from './event-feed.js';
import type { Fanout } from './fanout.js';

/** Realtime figures, read from the live objects when Prometheus scrapes. */
export function registerRealtimeMetrics(registry: Registry, io: Server, feed: EventFeed, fanout: Fanout): void {
  const cumulative = (name: string, help: string, read: () => number) => new Counter({
    name, help, registers: [registry],
    collect() { this.reset(); this.inc(read()); },
  });
  new Gauge({ name: 'hub_realtime_sockets', help: 'sockets connected to this hub', registers: [registry], collect() { this.set(io.of('/').sockets.size); } });
  new Gauge({ name: 'hub_realtime_position', help: 'the event-log seq this hub has delivered up to', registers: [registry], collect() { this.set(feed.position); } });
  cumulative('hub_realtime_events_sent_total', 'events sent to sockets (after coalescing), per send', () => fanout.stats.events);
  cumulative('hub_realtime_frames_total', 'event frames broadcast (one per group of sockets with the same selection)', () => fanout.stats.frames);
  cumulative('hub_realtime_updates_superseded_total', 'latest-state updates replaced by a newer one within the coalescing window', () => fanout.stats.superseded);
}
