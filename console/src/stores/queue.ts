import { batch } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { api, messageOf, qs, type Page } from '../api/client';
import type { LoggedEvent, QueueCount, RequestView } from '../api/types';
import type { RealtimeClient } from '../realtime/client';
import { appendPage, applyToQueue, type QueueFilter } from './queue-reducer';

const PAGE = 200;
const HIGHLIGHT_MS = 6000;

export interface QueueState {
  filter: QueueFilter;
  rows: RequestView[];
  nextCursor: string | null;
  isLoading: boolean;
  isLoadingMore: boolean;
  error: string | null;
  /** id → when it arrived live (highlighted for a few seconds) */
  arrived: Record<string, number>;
  counts: QueueCount[] | null;
  /** false when the hub has no GET /api/queues */
  hasCounts: boolean;
}

/**
 * The queue board's data: the server filters and pages (keyset), the board renders a window,
 * and live events keep the loaded rows current. A filter change reloads from the first page.
 */
export function createQueueStore(rt: RealtimeClient, teamIds: () => readonly string[]) {
  const [state, setState] = createStore<QueueState>({
    filter: { status: 'open' }, rows: [], nextCursor: null, isLoading: true, isLoadingMore: false, error: null,
    arrived: {}, counts: null, hasCounts: true,
  });
  let generation = 0;
  let unsubscribe = () => {};
  let listening = '';

  // The board listens to the queues it shows: one team's, or every team's and the unrouted one.
  // The same rooms stay joined (a rejoin would make the board load its snapshot again).
  function listen(filter: QueueFilter) {
    const rooms = filter.team ? [`queue:${filter.team}`] : [...teamIds().map((id) => `queue:${id}`), 'queue:unrouted'];
    if (rooms.join(',') === listening) return;
    const previous = unsubscribe;
    unsubscribe = rt.subscribe(rooms);
    previous();
    listening = rooms.join(',');
  }

  async function load(filter: QueueFilter) {
    const gen = ++generation;
    setState({ filter, isLoading: true, error: null });
    listen(filter);
    try {
      const page = await api<Page<RequestView>>('GET', `/requests${qs({ ...toQuery(filter), limit: PAGE })}`);
      if (gen !== generation) return;
      batch(() => {
        setState('rows', reconcile(page.items, { key: 'id' }));
        setState({ nextCursor: page.nextCursor, isLoading: false });
      });
    } catch (err) {
      if (gen === generation) setState({ isLoading: false, error: messageOf(err) });
    }
  }

  async function loadMore() {
    if (!state.nextCursor || state.isLoadingMore || state.isLoading) return;
    const gen = generation;
    setState('isLoadingMore', true);
    try {
      const page = await api<Page<RequestView>>('GET', `/requests${qs({ ...toQuery(state.filter), limit: PAGE, cursor: state.nextCursor })}`);
      if (gen !== generation) return;
      setState({ rows: appendPage(state.rows, page.items), nextCursor: page.nextCursor, isLoadingMore: false });
    } catch (err) {
      setState({ isLoadingMore: false, error: messageOf(err) });
    }
  }

  async function loadCounts() {
    try {
      const res = await api<{ items: QueueCount[] }>('GET', '/queues');
      setState({ counts: res.items, hasCounts: true });
    } catch {
      // Queue counts come with the realtime issue; without them the board says so instead of guessing.
      setState({ counts: null, hasCounts: false });
    }
  }

  function apply(event: LoggedEvent) {
    const change = applyToQueue(state.rows, event, state.filter, state.nextCursor !== null);
    if (change.rows === state.rows) return;
    const now = Date.now();
    batch(() => {
      setState('rows', reconcile(change.rows, { key: 'id', merge: true }));
      for (const id of change.arrived) setState('arrived', id, now);
    });
    for (const id of change.arrived) setTimeout(() => setState('arrived', id, undefined!), HIGHLIGHT_MS);
    if (state.hasCounts && state.counts) void loadCounts();
  }

  const offFrame = rt.onFrame(apply);
  const offReload = rt.onReload((rooms) => { if (rooms.some((r) => r.startsWith('queue:'))) void load(state.filter); });

  return {
    state,
    load,
    loadMore,
    loadCounts,
    /** the team list arrived or changed: listen to every queue on the board */
    relisten: () => listen(state.filter),
    setFilter(patch: Partial<QueueFilter>) {
      void load(clean({ ...state.filter, ...patch }));
    },
    dispose() {
      offFrame();
      offReload();
      unsubscribe();
    },
  };
}

export type QueueStore = ReturnType<typeof createQueueStore>;

function clean(f: QueueFilter): QueueFilter {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as unknown as QueueFilter;
}

function toQuery(f: QueueFilter): Record<string, string | undefined> {
  return {
    status: f.status === 'all' ? undefined : f.status, channel: f.channel, type: f.type, priority: f.priority,
    team: f.team, assignee: f.assignee, q: f.q,
  };
}
