import { useNavigate, useSearchParams } from '@solidjs/router';
import { createEffect, createSignal, For, Match, on, onCleanup, onMount, Show, Switch } from 'solid-js';
import { api, ApiError, messageOf } from '../../api/client';
import type { QueueCount, RequestView } from '../../api/types';
import { Empty, ErrorState, Loading } from '../../components/bits';
import { toast } from '../../components/toasts';
import { VirtualList } from '../../components/VirtualList';
import { realtime } from '../../realtime';
import { rememberName, teams } from '../../stores/directory';
import { createQueueStore } from '../../stores/queue';
import type { QueueFilter } from '../../stores/queue-reducer';
import { conflictMessage, holderOf } from '../../stores/request-reducer';
import { myUserId } from '../../stores/session';
import { isTyping } from '../Shell';
import { QueueFilters } from './QueueFilters';
import { QueueHeader, QueueRow, ROW_HEIGHT } from './QueueRow';

const FILTER_KEYS = ['status', 'channel', 'type', 'priority', 'team', 'assignee', 'q'] as const;

export function QueuePage() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const store = createQueueStore(realtime(), () => teams().map((t) => t.id));
  const [selected, setSelected] = createSignal(0);
  let listEl: HTMLDivElement | undefined;
  let searchEl: HTMLInputElement | undefined;

  // The filter lives in the address, so a board can be bookmarked and the back button works.
  const filterFromUrl = (): QueueFilter => {
    const f: QueueFilter = { status: 'open' };
    for (const k of FILTER_KEYS) {
      const v = params[k];
      if (typeof v === 'string' && v) (f as unknown as Record<string, string>)[k] = v;
    }
    return f;
  };
  createEffect(on(() => FILTER_KEYS.map((k) => params[k]).join('|'), () => {
    setSelected(0);
    void store.load(filterFromUrl());
  }));
  createEffect(on(teams, () => {
    store.relisten();
    void store.loadCounts();
  }));
  onCleanup(store.dispose);

  const change = (patch: Partial<QueueFilter>) => {
    const next = { ...store.state.filter, ...patch };
    setParams(Object.fromEntries(FILTER_KEYS.map((k) => [k, k === 'status' && next.status === 'open' ? undefined : next[k]])));
  };

  const rows = () => store.state.rows;
  const current = () => rows()[selected()];
  const open = (r: RequestView | undefined) => r && navigate(`/requests/${r.id}`);

  const claim = async (r: RequestView | undefined) => {
    const me = myUserId();
    if (!r || !me) return;
    if (r.assigneeId === me) return toast(`${r.number} is already yours.`, 'info');
    try {
      await claimRequest(r, me);
      toast(`You claimed ${r.number}.`);
    } catch (err) {
      const holder = err instanceof ApiError && err.status === 409 ? holderOf(err.details) : null;
      if (holder) rememberName(holder.id, holder.name);
      toast(err instanceof ApiError && err.status === 409 ? `${r.number}: ${conflictMessage(err.details)}` : messageOf(err), 'error');
      void store.load(store.state.filter);
    }
  };

  const move = (delta: number) => {
    const n = Math.max(0, Math.min(rows().length - 1, selected() + delta));
    setSelected(n);
    if (listEl) {
      const top = n * ROW_HEIGHT;
      const viewTop = listEl.scrollTop + ROW_HEIGHT;
      if (top < viewTop) listEl.scrollTop = top;
      else if (top + ROW_HEIGHT * 2 > listEl.scrollTop + listEl.clientHeight) listEl.scrollTop = top - listEl.clientHeight + ROW_HEIGHT * 2;
    }
    if (n > rows().length - 40) void store.loadMore();
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === '/' && !isTyping(e)) { e.preventDefault(); searchEl?.focus(); return; }
    if (isTyping(e)) return;
    if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); move(1); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); move(-1); }
    else if (e.key === 'Enter') { e.preventDefault(); open(current()); }
    else if (e.key === 'c') { e.preventDefault(); void claim(current()); }
  };
  onMount(() => document.addEventListener('keydown', onKey));
  onCleanup(() => document.removeEventListener('keydown', onKey));

  return (
    <div class="page queue-page">
      <aside class="queues" aria-label="Queues">
        <div class="pane-title">Queues</div>
        <QueueLink label="All teams" isActive={!store.state.filter.team} onClick={() => change({ team: undefined })}
          counts={sumCounts(store.state.counts)} />
        <For each={teams()}>{(t) => (
          <QueueLink label={t.name} isActive={store.state.filter.team === t.id} onClick={() => change({ team: t.id })}
            counts={store.state.counts?.find((c) => c.teamId === t.id)} />
        )}</For>
        <Show when={!store.state.hasCounts}>
          <p class="pane-note">Open counts per queue need the hub's queue endpoint, which this hub does not offer yet.</p>
        </Show>
        <div class="pane-title">Shortcuts</div>
        <dl class="shortcuts">
          <dt><kbd>j</kbd><kbd>k</kbd></dt><dd>next / previous</dd>
          <dt><kbd>Enter</kbd></dt><dd>open</dd>
          <dt><kbd>c</kbd></dt><dd>claim</dd>
          <dt><kbd>/</kbd></dt><dd>search</dd>
          <dt><kbd>g</kbd><kbd>p</kbd></dt><dd>phone intake</dd>
        </dl>
      </aside>
      <section class="board">
        <header class="page-head">
          <h1>{store.state.filter.team ? teams().find((t) => t.id === store.state.filter.team)?.name ?? 'Queue' : 'All queues'}</h1>
          <span class="count" data-testid="row-count">
            {store.state.rows.length.toLocaleString()}{store.state.nextCursor ? '+' : ''} {store.state.rows.length === 1 ? 'request' : 'requests'}
          </span>
        </header>
        <QueueFilters filter={store.state.filter} onChange={change} searchRef={(el) => (searchEl = el)} />
        <Switch>
          <Match when={store.state.isLoading && !rows().length}><Loading label="Loading the queue…" /></Match>
          <Match when={store.state.error && !rows().length}><ErrorState message={store.state.error!} onRetry={() => void store.load(store.state.filter)} /></Match>
          <Match when={!rows().length}>
            <Empty title="Nothing here">No request matches these filters. New ones appear here as they arrive.</Empty>
          </Match>
          <Match when={rows().length}>
            <div class="table" role="table" aria-label="Requests" aria-rowcount={rows().length}>
              <VirtualList items={rows()} rowHeight={ROW_HEIGHT} onNearEnd={() => void store.loadMore()} ref={(el) => (listEl = el)} header={<QueueHeader />}>
                {(r, i) => (
                  <QueueRow row={r} isSelected={i() === selected()} isNew={!!store.state.arrived[r.id]}
                    onSelect={() => setSelected(i())} onOpen={() => open(r)} />
                )}
              </VirtualList>
            </div>
            <Show when={store.state.isLoadingMore}><div class="list-foot">Loading more…</div></Show>
          </Match>
        </Switch>
      </section>
    </div>
  );
}

function QueueLink(props: { label: string; counts: Pick<QueueCount, 'open' | 'breached'> | undefined; isActive: boolean; onClick: () => void }) {
  return (
    <button class="queue-link" classList={{ active: props.isActive }} onClick={props.onClick}>
      <span class="ql-name">{props.label}</span>
      <Show when={props.counts?.breached}><span class="pill pill-red" title="past an SLA deadline">{props.counts!.breached}</span></Show>
      <Show when={props.counts}><span class="pill" title="open requests">{props.counts!.open}</span></Show>
    </button>
  );
}

function sumCounts(counts: QueueCount[] | null): Pick<QueueCount, 'open' | 'breached'> | undefined {
  if (!counts) return undefined;
  return counts.reduce((a, c) => ({ open: a.open + c.open, breached: (a.breached ?? 0) + (c.breached ?? 0) }), { open: 0, breached: 0 });
}

/**
 * Claims through the realtime issue's claim endpoint; a hub without it takes the same intent
 * as an assignment to oneself with the version read (a 409 still stops a double claim).
 */
async function claimRequest(r: RequestView, me: string): Promise<void> {
  try {
    await api('POST', `/requests/${r.id}/claim`, { body: { version: r.version } });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404 && err.code === 'NOT_FOUND' && /no route/.test(err.message))) throw err;
    await api('PATCH', `/requests/${r.id}`, { body: { version: r.version, assigneeId: me } });
  }
}
