import { useNavigate } from '@solidjs/router';
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import { api } from '../api/client';
import type { CallerCardView } from '../api/types';
import { shortAge } from '../lib/time';
import { realtime } from '../realtime';
import { applyToCalls, type Call } from '../stores/calls-reducer';
import { now } from '../stores/clock';
import { humanize } from '../stores/request-reducer';
import { myUserId } from '../stores/session';

/**
 * Incoming calls from the CTI webhook: who is calling, what is wrong with their units right now
 * (active alarms) and what they already have open, with one click (or Enter) to the intake.
 */
export function CallPopup() {
  const navigate = useNavigate();
  const [calls, setCalls] = createSignal<Call[]>([]);
  const rt = realtime();
  const me = myUserId();
  const off = [
    rt.subscribe(me ? ['calls', `user:${me}`] : ['calls']),
    rt.onFrame((f) => setCalls((c) => applyToCalls(c, f, myUserId()))),
  ];
  onCleanup(() => off.forEach((fn) => fn()));
  const dismiss = (c: Call) => setCalls((l) => l.filter((x) => x.callId !== c.callId));
  const take = (c: Call) => {
    dismiss(c);
    navigate(c.requestId ? `/requests/${c.requestId}` : `/intake?phone=${encodeURIComponent(c.from)}`);
  };
  return (
    <div class="calls" aria-live="assertive">
      <For each={calls().slice(0, 3)}>{(c) => (
        <div class="call" role="dialog" aria-label={`Call from ${c.from}`} data-testid="call-popup">
          <div class="call-head">
            <div class="call-icon" classList={{ ringing: c.state === 'ringing' }}>☏</div>
            <div class="call-who">
              <strong>{c.caller?.contactName ?? c.from}</strong>
              <span class="muted small">{c.caller?.customerName ?? 'Unknown caller'}<Show when={c.caller?.contactName}> · {c.from}</Show></span>
            </div>
            <button class="btn primary small" onClick={() => take(c)}>{c.requestId ? 'Open request' : 'Take call'}</button>
            <button class="btn ghost small" aria-label="Dismiss" onClick={() => dismiss(c)}>×</button>
          </div>
          <Show when={c.caller}><CallerFacts callId={c.id} /></Show>
        </div>
      )}</For>
    </div>
  );
}

/** The caller card's essentials for the first sentence: what is alarming, what is already open. */
function CallerFacts(props: { callId: string }) {
  const [card] = createResource(() => props.callId, (id) => api<CallerCardView>('GET', `/calls/${id}/caller`));
  return (
    <Show when={card()}>{(k) => (
      <div class="call-facts" data-testid="call-card">
        <Show when={k().activeAlarms.length} fallback={<div class="muted small">No active alarms on their units.</div>}>
          <div class="call-label">Active alarms</div>
          <ul class="call-alarms">
            <For each={k().activeAlarms.slice(0, 3)}>{(a) => (
              <li data-testid="call-alarm">
                <span class={`sev sev-${a.severity}`}>{humanize(a.severity)}</span>
                <span class="mono">{a.code}</span>
                <span class="ellipsis" title={a.message ?? ''}>{a.message ?? ''}</span>
                <span class="muted small">{shortAge(a.raisedAt, now())}</span>
              </li>
            )}</For>
          </ul>
          <Show when={k().activeAlarms.length > 3}><div class="muted small">and {k().activeAlarms.length - 3} more</div></Show>
        </Show>
        <div class="muted small">
          {k().openRequests.length === 0 ? 'No open requests' : k().openRequests.length === 1 ? `Open: ${k().openRequests[0]!.number} ${k().openRequests[0]!.subject}` : `${k().openRequests.length} open requests`}
          {' · '}{k().assets.length === 1 ? '1 unit' : `${k().assets.length} units`}
        </div>
      </div>
    )}</Show>
  );
}
