import { A } from '@solidjs/router';
import { createSignal, For, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { api, ApiError, messageOf, type Page } from '../api/client';
import type { Alarm, AlarmUnit, AlarmView } from '../api/types';
import { Empty, ErrorState, Loading, SeverityBadge } from '../components/bits';
import { toast } from '../components/toasts';
import { shortAge } from '../lib/time';
import { realtime } from '../realtime';
import { alarmOf, applyToAlarms, sortAlarms } from '../stores/alarms-reducer';
import { now } from '../stores/clock';

type Phase = 'loading' | 'ready' | 'unavailable' | 'error';

/** Active alarms by severity, live from the `alarms` room; acknowledge, jump to the request. */
export default function AlarmsPage() {
  const [alarms, setAlarms] = createStore<{ list: Alarm[] }>({ list: [] });
  const [phase, setPhase] = createSignal<Phase>('loading');
  const [error, setError] = createSignal('');
  // The unit of each alarm (serial, model, customer, site): from the list, or asked once for an
  // alarm that arrived live (events carry the alarm, not its unit).
  const [units, setUnits] = createStore<Record<string, AlarmUnit | null>>({});
  const asking = new Set<string>();
  const learn = (items: AlarmView[]) => { for (const a of items) setUnits(a.assetId, a.unit); };
  const ensureUnit = (a: Alarm) => {
    if (units[a.assetId] !== undefined || asking.has(a.assetId)) return;
    asking.add(a.assetId);
    void api<AlarmView>('GET', `/alarms/${a.id}`).then((d) => setUnits(a.assetId, d.unit)).catch(() => undefined).finally(() => asking.delete(a.assetId));
  };

  const load = async () => {
    setPhase('loading');
    try {
      const [active, acked] = await Promise.all([
        api<Page<AlarmView>>('GET', '/alarms?state=active&limit=500'), api<Page<AlarmView>>('GET', '/alarms?state=acknowledged&limit=500'),
      ]);
      learn([...active.items, ...acked.items]);
      setAlarms('list', reconcile(sortAlarms([...active.items, ...acked.items]), { key: 'id' }));
      setPhase('ready');
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setPhase('unavailable');
      else { setError(messageOf(err)); setPhase('error'); }
    }
  };
  const rt = realtime();
  const off = [
    rt.subscribe(['alarms']),
    rt.onFrame((f) => {
      setAlarms('list', (l) => applyToAlarms(l, f));
      const a = alarmOf(f);
      if (a && a.state !== 'cleared') ensureUnit(a);
    }),
    rt.onReload((rooms) => { if (rooms.includes('alarms')) void load(); }),
  ];
  onMount(load);
  onCleanup(() => off.forEach((fn) => fn()));

  const ack = async (a: Alarm) => {
    try {
      await api('POST', `/alarms/${a.id}/ack`);
      toast(`Acknowledged ${a.faultCode}`);
      void load();
    } catch (err) {
      toast(messageOf(err), 'error');
    }
  };

  return (
    <div class="page">
      <div class="content">
        <div class="content-head"><div><h1>Alarms</h1><p class="sub">Active fault conditions reported by equipment, most severe first.</p></div></div>
        <Switch>
          <Match when={phase() === 'loading'}><Loading /></Match>
          <Match when={phase() === 'unavailable'}>
            <Empty title="Alarms are not available on this hub">This hub does not offer the alarm API yet. Alarm requests still appear in the queues (type “alarm”).</Empty>
          </Match>
          <Match when={phase() === 'error'}><ErrorState message={error()} onRetry={load} /></Match>
          <Match when={!alarms.list.length}><Empty title="No active alarms">All equipment reports normal. New alarms appear here within a second.</Empty></Match>
          <Match when={true}>
            <table class="data" data-testid="alarms">
              <thead><tr><th>Severity</th><th>Fault code</th><th>Unit</th><th>Customer</th><th>Message</th><th>Occurrences</th><th>First seen</th><th>State</th><th /></tr></thead>
              <tbody>
                <For each={alarms.list}>{(a) => (
                  <tr>
                    <td><SeverityBadge severity={a.severity} /></td>
                    <td class="mono">{a.faultCode}<Show when={a.isUnknownCode}> <span class="tag" title="not in the fault-code table">unknown</span></Show></td>
                    <td><Show when={units[a.assetId]} fallback={<span class="muted">…</span>}>{(u) => (
                      <><span class="mono">{u().serialNumber}</span><div class="small muted">{u().model}</div></>
                    )}</Show></td>
                    <td><Show when={units[a.assetId]} fallback={<span class="muted">…</span>}>{(u) => (
                      <>{u().customerName}<Show when={u().siteName}><div class="small muted">{u().siteName}</div></Show></>
                    )}</Show></td>
                    <td>{a.message ?? <span class="muted">—</span>}</td>
                    <td class="mono">{a.count}<Show when={a.isFlapping}> <span class="tag" title={`raised and cleared ${a.flapCount} times`}>flapping</span></Show></td>
                    <td class="muted">{shortAge(a.firstSeenAt, now())} ago<div class="small">last {shortAge(a.lastSeenAt, now())} ago</div></td>
                    <td>{a.state === 'acknowledged' ? 'Acknowledged' : 'Active'}</td>
                    <td><div class="row">
                      <Show when={a.state === 'active'}><button class="btn small" onClick={() => void ack(a)}>Acknowledge</button></Show>
                      <Show when={a.requestId}><A class="btn small ghost" href={`/requests/${a.requestId}`}>Open request</A></Show>
                    </div></td>
                  </tr>
                )}</For>
              </tbody>
            </table>
          </Match>
        </Switch>
      </div>
    </div>
  );
}
