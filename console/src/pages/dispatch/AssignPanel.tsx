import { createResource, For, Match, Switch } from 'solid-js';
import { api, messageOf } from '../../api/client';
import type { Suggestions } from '../../api/types';
import { Loading } from '../../components/bits';

/** The keyboard and click way to dispatch: the hub's ranked technicians for the order, with why. */
export function AssignPanel(props: { orderId: string; number: string; busy: boolean; onAssign: (technicianId: string) => void; onClose: () => void }) {
  const [ranked] = createResource(() => props.orderId, (id) => api<Suggestions>('GET', `/orders/${id}/suggestions`));
  let first: HTMLButtonElement | undefined;
  return (
    <div class="panel assign-panel" data-testid="assign-panel" role="dialog" aria-label={`Assign ${props.number} to…`}
      onKeyDown={(e) => { if (e.key === 'Escape') props.onClose(); }}>
      <div class="panel-head">Assign {props.number} to…<button class="btn small ghost" style={{ 'margin-left': 'auto' }} onClick={() => props.onClose()}>Close</button></div>
      <Switch>
        <Match when={ranked.loading}><Loading label="Ranking technicians…" /></Match>
        <Match when={ranked.error}><p class="pane-note">{messageOf(ranked.error)}</p></Match>
        <Match when={ranked()}>{(r) => (
          <ul class="sugg">
            <For each={r().items}>{(s, i) => (
              <li>
                <button ref={(el) => { if (i() === 0) { first = el; queueMicrotask(() => first?.focus()); } }} disabled={props.busy || !s.isEligible}
                  onClick={() => props.onAssign(s.technicianId)} data-testid="suggestion">
                  <span class="line">{s.name}<span class="muted small">{s.distanceKm != null ? `${Math.round(s.distanceKm)} km` : ''}{` · ${s.load} today`}</span><span class="score">{s.score.toFixed(2)}</span></span>
                  <span class="why">{s.reasons.join(' · ') || (s.isEligible ? 'eligible' : 'not eligible')}</span>
                </button>
              </li>
            )}</For>
          </ul>
        )}</Match>
      </Switch>
    </div>
  );
}
