import { A } from '@solidjs/router';
import { createMemo, createSignal, For, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { api, ApiError, messageOf, qs } from '../../api/client';
import type { BoardRow, BoardVisit, DispatchBoard, OrderDetail, ReleaseResult, UnassignedOrder } from '../../api/types';
import { Empty, ErrorState, Loading, PriorityBadge } from '../../components/bits';
import { toast } from '../../components/toasts';
import { slaText } from '../../lib/time';
import { realtime } from '../../realtime';
import { now } from '../../stores/clock';
import { dropTime, inSequence, localDay, sortUnassigned } from '../../stores/dispatch';
import '../../styles/dispatch.css';
import { AssignPanel } from './AssignPanel';
import { browserTimeZone, OrderStatusBadge, slotTime } from './order-bits';

type Phase = 'loading' | 'ready' | 'error';
/** Orders the board can still move between technicians (the hub refuses the rest). */
const MOVABLE = new Set(['planned', 'dispatched']);
const DRAG_TYPE = 'application/x-service-order';

/** Technicians × the day; unassigned orders to drag on them; release to the field; live from `dispatch`. */
export default function DispatchPage() {
  const timeZone = browserTimeZone();
  const [day, setDay] = createSignal(localDay(new Date()));
  const [board, setBoard] = createStore<{ rows: BoardRow[]; unassigned: UnassignedOrder[] }>({ rows: [], unassigned: [] });
  const [phase, setPhase] = createSignal<Phase>('loading');
  const [error, setError] = createSignal('');
  const [picked, setPicked] = createSignal<string | null>(null);
  const [selected, setSelected] = createSignal<ReadonlySet<string>>(new Set());
  const [dropOn, setDropOn] = createSignal<string | null>(null);
  const [dragging, setDragging] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  let loadSeq = 0;
  const load = async (quiet = false) => {
    const mine = ++loadSeq;
    if (!quiet) setPhase('loading');
    try {
      const b = await api<DispatchBoard>('GET', `/dispatch/board${qs({ date: day(), timeZone })}`);
      if (mine !== loadSeq) return;
      setBoard('rows', b.technicians);
      setBoard('unassigned', reconcile(sortUnassigned(b.unassigned), { key: 'id' }));
      const planned = new Set(b.technicians.flatMap((r) => r.visits.filter((v) => v.status === 'planned').map((v) => v.id)));
      setSelected((s) => new Set([...s].filter((id) => planned.has(id))));
      if (picked() && !b.unassigned.some((o) => o.id === picked()) && !planned.has(picked()!)) setPicked(null);
      setPhase('ready');
    } catch (err) {
      if (mine !== loadSeq) return;
      setError(messageOf(err));
      setPhase('error');
    }
  };

  // Every order or technician change can move a visit, re-route a day or take work off the list:
  // the hub's plan is the truth, so a burst of frames becomes one quiet reload.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reloadSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void load(true), 120);
  };
  const rt = realtime();
  const off = [
    rt.subscribe(['dispatch']),
    rt.onFrame((f) => { if (f.type.startsWith('order.') || f.type === 'technician.updated') reloadSoon(); }),
    rt.onReload(() => void load(true)),
  ];
  onMount(() => void load());
  onCleanup(() => { off.forEach((fn) => fn()); clearTimeout(timer); });

  const allOrders = createMemo(() => new Map<string, UnassignedOrder | BoardVisit>([
    ...board.unassigned.map((o) => [o.id, o] as const), ...board.rows.flatMap((r) => r.visits.map((v) => [v.id, v] as const)),
  ]));
  const plannedCount = createMemo(() => board.rows.reduce((n, r) => n + r.visits.filter((v) => v.status === 'planned').length, 0));

  const assign = async (orderId: string, technicianId: string) => {
    const order = allOrders().get(orderId);
    const row = board.rows.find((r) => r.technician.id === technicianId);
    if (!order || !row) return;
    setBusy(true);
    try {
      const at = dropTime(day(), row.visits.filter((v) => v.id !== orderId));
      const done = await api<OrderDetail>('POST', '/dispatch/assign', { body: { orderId, technicianId, scheduledFor: at.toISOString(), version: order.version } });
      toast(`${done.number} planned for ${row.technician.name} at ${slotTime(done.scheduledFor)}`);
      setPicked(null);
      await load(true);
    } catch (err) {
      toast(err instanceof ApiError && err.status === 409 ? `${messageOf(err)} The board was refreshed.` : messageOf(err), 'error');
      await load(true);
    } finally {
      setBusy(false);
    }
  };

  const release = async (orderIds: string[]) => {
    if (!orderIds.length) return;
    setBusy(true);
    try {
      const r = await api<ReleaseResult>('POST', '/dispatch/release', { body: { orderIds } });
      if (r.released.length) toast(r.released.length === 1 ? `${r.released[0]!.number} released to the technician` : `${r.released.length} orders released`);
      for (const x of r.refused) toast(`${allOrders().get(x.orderId)?.number ?? 'Order'}: ${x.message}`, 'error');
      setSelected(new Set<string>());
      await load(true);
    } catch (err) {
      toast(messageOf(err), 'error');
    } finally {
      setBusy(false);
    }
  };

  const toggle = (id: string) => setSelected((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id); else n.add(id);
    return n;
  });

  const onDragStart = (e: DragEvent, id: string) => {
    e.dataTransfer?.setData(DRAG_TYPE, id);
    e.dataTransfer?.setData('text/plain', allOrders().get(id)?.number ?? id);
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
    setDragging(id);
  };
  const onDrop = (e: DragEvent, technicianId: string) => {
    e.preventDefault();
    setDropOn(null);
    const id = e.dataTransfer?.getData(DRAG_TYPE) || dragging();
    setDragging(null);
    if (id) void assign(id, technicianId);
  };
  const shiftDay = (days: number) => {
    const [y, m, d] = day().split('-').map(Number) as [number, number, number];
    setDay(localDay(new Date(y, m - 1, d + days)));
    void load();
  };

  return (
    <div class="page dispatch-page">
      <div class="dp-main">
        <div class="page-head">
          <h1>Dispatch</h1>
          <span class="count">{board.rows.length} technicians · {board.rows.reduce((n, r) => n + r.visits.length, 0)} visits · {timeZone}</span>
        </div>
        <div class="dp-toolbar">
          <button class="btn small" onClick={() => shiftDay(-1)} aria-label="Previous day">‹</button>
          <input type="date" aria-label="Day" value={day()} onChange={(e) => { if (e.currentTarget.value) { setDay(e.currentTarget.value); void load(); } }} />
          <button class="btn small" onClick={() => shiftDay(1)} aria-label="Next day">›</button>
          <button class="btn small ghost" onClick={() => { setDay(localDay(new Date())); void load(); }}>Today</button>
          <span class="spacer" />
          <button class="btn small" disabled={busy() || !selected().size} onClick={() => void release([...selected()])}>
            Release selected{selected().size ? ` (${selected().size})` : ''}
          </button>
          <button class="btn small primary" disabled={busy() || !plannedCount()} onClick={() => void release(board.rows.flatMap((r) => r.visits.filter((v) => v.status === 'planned').map((v) => v.id)))}>
            Release all planned ({plannedCount()})
          </button>
        </div>
        <div class="dp-rows" data-testid="dispatch-rows">
          <Switch>
            <Match when={phase() === 'loading' && !board.rows.length}><Loading /></Match>
            <Match when={phase() === 'error'}><ErrorState message={error()} onRetry={() => void load()} /></Match>
            <Match when={!board.rows.length}><Empty title="No active technicians">Add users with the technician role to plan their days here.</Empty></Match>
            <Match when={true}>
              <For each={board.rows}>{(row) => (
                <div
                  class="tech-row" classList={{ 'drop-target': dropOn() === row.technician.id }} data-testid="tech-row" data-technician={row.technician.name}
                  onDragOver={(e) => { e.preventDefault(); if (e.dataTransfer) e.dataTransfer.dropEffect = 'move'; setDropOn(row.technician.id); }}
                  onDragLeave={(e) => { if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropOn(null); }}
                  onDrop={(e) => onDrop(e, row.technician.id)}
                >
                  <div class="tech-who">
                    <span class="name"><i class={`tstat tstat-${row.technician.status}`} title={row.technician.status} />{row.technician.name}</span>
                    <span class="meta">{row.technician.region ?? 'no region'} · {row.technician.skills.join(', ') || 'no skills'}</span>
                    <span class="route-km">{row.visits.length} visit{row.visits.length === 1 ? '' : 's'}{row.routeKm ? ` · ${row.routeKm} km` : ''}</span>
                  </div>
                  <div class="visits">
                    <For each={inSequence(row.visits)} fallback={<span class="drop-hint">Drop an order here to plan it for {row.technician.name.split(' ')[0]}</span>}>{(v) => (
                      <div
                        class={`visit p-${v.priority}`} classList={{ picked: selected().has(v.id) }} data-testid="visit" data-order={v.number}
                        draggable={MOVABLE.has(v.status)} onDragStart={(e) => onDragStart(e, v.id)} onDragEnd={() => setDragging(null)}
                      >
                        <div class="top">
                          <span class="seq">{v.sequence ?? '·'}</span>
                          <span class="when">{slotTime(v.scheduledFor)}</span>
                          <A class="mono" href={`/orders/${v.id}`} style={{ 'margin-left': 'auto' }}>{v.number}</A>
                        </div>
                        <span class="site" title={v.site?.name ?? ''}>{v.site?.name ?? v.description}</span>
                        <div class="foot">
                          <Show when={v.status === 'planned'} fallback={<span class="leg">{v.legKm != null ? `${v.legKm} km` : ''}</span>}>
                            <input type="checkbox" aria-label={`Select ${v.number}`} checked={selected().has(v.id)} onChange={() => toggle(v.id)} />
                            <button class="btn small ghost" disabled={busy()} onClick={() => void release([v.id])}>Release</button>
                          </Show>
                          <OrderStatusBadge status={v.status} />
                        </div>
                      </div>
                    )}</For>
                  </div>
                </div>
              )}</For>
            </Match>
          </Switch>
        </div>
      </div>
      <aside class="unassigned" aria-label="Unassigned orders">
        <div class="head"><h3>Unassigned</h3><span class="pill">{board.unassigned.length}</span></div>
        <Show when={picked()}>{(id) => (
          <AssignPanel orderId={id()} number={allOrders().get(id())?.number ?? ''} busy={busy()} onAssign={(t) => void assign(id(), t)} onClose={() => setPicked(null)} />
        )}</Show>
        <ul class="ulist" data-testid="unassigned">
          <For each={board.unassigned} fallback={<li class="pane-note">Nothing waiting: every open order has a technician.</li>}>{(o) => (
            <li
              class={`uorder p-${o.priority}`} classList={{ picked: picked() === o.id, dragging: dragging() === o.id }} tabindex="0"
              draggable="true" data-testid="unassigned-order" data-order={o.number} aria-label={`${o.number}, ${o.priority} priority: press Enter to assign`}
              onDragStart={(e) => onDragStart(e, o.id)} onDragEnd={() => { setDragging(null); setDropOn(null); }}
              onClick={() => setPicked(o.id)} onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); setPicked(o.id); } }}
            >
              <div class="top"><PriorityBadge priority={o.priority} /><OrderStatusBadge status={o.status} /><A class="mono" href={`/orders/${o.id}`}>{o.number}</A></div>
              <span class="desc">{o.site?.name ?? 'No site'}</span>
              <div class="meta">
                <span>{o.description ? o.description.slice(0, 60) : o.kind}</span>
                <Show when={o.dueAt}><span class="ellipsis" style={{ 'margin-left': 'auto' }}>due {slaText(o.dueAt, now())}</span></Show>
              </div>
              <Show when={o.requiredSkill}><div class="meta"><span>needs {o.requiredSkill}</span></div></Show>
            </li>
          )}</For>
        </ul>
      </aside>
    </div>
  );
}
