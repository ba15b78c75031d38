import { createSignal, For, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { createStore, reconcile, unwrap } from 'solid-js/store';
import { api, messageOf, qs } from '../../api/client';
import type { BoardRow, TechnicianStatus, TechnicianSummary } from '../../api/types';
import { Empty, ErrorState, Loading } from '../../components/bits';
import { toast } from '../../components/toasts';
import { realtime } from '../../realtime';
import { inSequence } from '../../stores/dispatch';
import { myUserId } from '../../stores/session';
import '../../styles/dispatch.css';
import { browserTimeZone } from '../dispatch/order-bits';
import { JobCard } from './JobCard';

type Phase = 'loading' | 'ready' | 'error';
const AVAILABILITY: TechnicianStatus[] = ['available', 'busy', 'off'];

/** The technician's phone: today's released visits in route order, live from `technician:<me>`. */
export default function TechnicianPage() {
  const timeZone = browserTimeZone();
  // A store reconciled by id: a live reload keeps each open visit (and its half-written report) in place.
  const [state, setState] = createStore<{ day: BoardRow | null }>({ day: null });
  const day = () => state.day;
  const setDay = (next: BoardRow) => setState('day', reconcile(next, { key: 'id' }));
  const [phase, setPhase] = createSignal<Phase>('loading');
  const [error, setError] = createSignal('');
  const [open, setOpen] = createSignal<string | null>(null);
  const [arrived, setArrived] = createSignal<ReadonlySet<string>>(new Set());

  const load = async (quiet = false) => {
    if (!quiet) setPhase('loading');
    try {
      const next = await api<BoardRow>('GET', `/technicians/me/orders${qs({ timeZone })}`);
      const before = new Set(day()?.visits.map((v) => v.id) ?? []);
      if (quiet) setArrived(new Set(next.visits.filter((v) => !before.has(v.id)).map((v) => v.id)));
      setDay(next);
      setPhase('ready');
    } catch (err) {
      setError(messageOf(err));
      setPhase('error');
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const rt = realtime();
  const off = [
    rt.subscribe([`technician:${myUserId() ?? ''}`]),
    rt.onFrame((f) => {
      if (!f.type.startsWith('order.') && f.type !== 'technician.updated') return;
      if (f.type === 'order.dispatched') toast(`New visit: ${f.data.order.number}`, 'info');
      clearTimeout(timer);
      timer = setTimeout(() => void load(true), 120);
    }),
    rt.onReload(() => void load(true)),
  ];
  onMount(() => void load());
  onCleanup(() => { off.forEach((fn) => fn()); clearTimeout(timer); });

  const setAvailability = async (status: TechnicianStatus) => {
    try {
      const t = await api<TechnicianSummary>('POST', '/technicians/me/status', { body: { status } });
      if (state.day) setDay({ ...unwrap(state.day), technician: t });
    } catch (err) {
      toast(messageOf(err), 'error');
    }
  };
  const remaining = () => day()?.visits.filter((v) => !['completed', 'accepted', 'closed', 'cancelled'].includes(v.status)).length ?? 0;

  return (
    <div class="page tech-page">
      <div class="tech-wrap">
        <div class="tech-head">
          <div>
            <h1>My day</h1>
            <p class="sub">
              {new Date().toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long' })}
              <Show when={day()}>{(d) => <> · {remaining()} open of {d().visits.length}{d().routeKm ? ` · ${d().routeKm} km` : ''}</>}</Show>
            </p>
          </div>
          <Show when={day()}>{(d) => (
            <div class="seg" role="group" aria-label="My availability">
              <For each={AVAILABILITY}>{(s) => (
                <button class="seg-btn" classList={{ on: d().technician.status === s }} onClick={() => void setAvailability(s)}>{s[0]!.toUpperCase() + s.slice(1)}</button>
              )}</For>
            </div>
          )}</Show>
        </div>
        <Switch>
          <Match when={phase() === 'loading' && !day()}><Loading /></Match>
          <Match when={phase() === 'error'}><ErrorState message={error()} onRetry={() => void load()} /></Match>
          <Match when={!day()?.visits.length}><Empty title="No visits today">Released orders appear here the moment dispatch sends them.</Empty></Match>
          <Match when={day()}>{(d) => (
            <div class="stack" style={{ gap: '10px' }} data-testid="my-orders">
              <For each={inSequence(d().visits)}>{(v, i) => (
                <JobCard visit={v} index={i() + 1} isOpen={open() === v.id} isNew={arrived().has(v.id)}
                  onToggle={() => setOpen((o) => (o === v.id ? null : v.id))} onChanged={() => void load(true)} />
              )}</For>
            </div>
          )}</Match>
        </Switch>
      </div>
    </div>
  );
}
