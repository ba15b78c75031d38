import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { api } from '../../api/client';
import type { CallerCardView } from '../../api/types';
import { WarrantyBadge } from '../../components/bits';
import { shortAge } from '../../lib/time';
import { now } from '../../stores/clock';
import { humanize } from '../../stores/request-reducer';

/**
 * Who is on the line: contact, customer, their units with warranty and what is alarming on
 * them right now (the hub's caller card, the same the call pop-up shows), for the agent's
 * first sentence.
 */
export function CallerCard(props: { contactId: string | null; assetId: string | null; onPickAsset: (id: string | null) => void }) {
  const [card, setCard] = createSignal<CallerCardView | null>(null);
  createEffect(on(() => props.contactId, async (id) => {
    setCard(null);
    if (!id) return;
    const c = await api<CallerCardView>('GET', `/callers/card?contactId=${encodeURIComponent(id)}`).catch(() => null);
    if (c && props.contactId === id) setCard(c);
  }));
  const contact = () => card()?.contacts.find((c) => c.id === props.contactId) ?? card()?.contacts[0] ?? null;
  const alarmsOf = (assetId: string) => card()?.activeAlarms.filter((a) => a.assetId === assetId) ?? [];
  const serialOf = (assetId: string) => card()?.assets.find((a) => a.id === assetId)?.serialNumber ?? '';
  // Units with an active alarm first: the caller is most likely calling about one of them.
  const units = () => [...(card()?.assets ?? [])].sort((a, b) => Number(alarmsOf(b.id).length > 0) - Number(alarmsOf(a.id).length > 0));
  return (
    <Show when={card() && contact()}>
      <div class="panel caller" data-testid="caller-card">
        <div class="panel-head">
          <div class="avatar">{contact()!.name.slice(0, 1).toUpperCase()}</div>
          <div>
            <strong>{contact()!.name}</strong>
            <div class="muted small">{[contact()!.phone, contact()!.email].filter(Boolean).join(' · ')}</div>
          </div>
          <Show when={card()!.customer}>{(cu) => <div class="caller-customer"><span class="muted small">Customer</span><strong>{cu().name}</strong></div>}</Show>
        </div>
        <Show when={card()!.activeAlarms.length}>
          <div class="caller-alarms" data-testid="caller-alarms">
            <div class="call-label">Active alarms on their units</div>
            <ul class="call-alarms">
              <For each={card()!.activeAlarms.slice(0, 5)}>{(a) => (
                <li data-testid="caller-alarm">
                  <span class={`sev sev-${a.severity}`}>{humanize(a.severity)}</span>
                  <span class="mono">{a.code} · {serialOf(a.assetId)}</span>
                  <span class="ellipsis" title={a.message ?? ''}>{a.message ?? ''}{a.occurrences > 1 ? ` (×${a.occurrences})` : ''}</span>
                  <span class="muted small">{shortAge(a.raisedAt, now())} ago</span>
                </li>
              )}</For>
            </ul>
            <Show when={card()!.activeAlarms.length > 5}><div class="muted small">and {card()!.activeAlarms.length - 5} more</div></Show>
          </div>
        </Show>
        <Show when={card()!.assets.length} fallback={<p class="muted small pad">No units on record for this customer.</p>}>
          <table class="data"><thead><tr><th>Unit (click to link)</th><th>Model</th><th>Site</th><th>Warranty</th></tr></thead><tbody>
            <For each={units().slice(0, 8)}>{(a) => (
              <tr class="pickable" classList={{ picked: props.assetId === a.id, alarming: alarmsOf(a.id).length > 0 }} onClick={() => props.onPickAsset(props.assetId === a.id ? null : a.id)}
                title="Click to link this unit to the new request">
                <td class="mono"><input type="radio" name="asset" checked={props.assetId === a.id} aria-label={a.serialNumber} /> {a.serialNumber}</td>
                <td>{a.model}<Show when={alarmsOf(a.id).length}> <span class="tag alarm-tag" title={alarmsOf(a.id).map((x) => x.code).join(', ')}>⚠ {alarmsOf(a.id).length} alarm{alarmsOf(a.id).length > 1 ? 's' : ''}</span></Show></td>
                <td class="muted">{a.siteName ?? '—'}</td>
                <td><WarrantyBadge verdict={a.warranty} /><Show when={a.warrantyUntil}><span class="muted small"> until {a.warrantyUntil}</span></Show></td>
              </tr>
            )}</For>
          </tbody></table>
          <Show when={card()!.assets.length > 8}><p class="muted small pad">and {card()!.assets.length - 8} more units</p></Show>
        </Show>
      </div>
    </Show>
  );
}
