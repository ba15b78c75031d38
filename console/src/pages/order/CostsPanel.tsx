import { createResource, createSignal, For, Show } from 'solid-js';
import { api, messageOf, type Page } from '../../api/client';
import type { OrderCosts } from '../../api/types';
import { ErrorState, Loading } from '../../components/bits';
import { toast } from '../../components/toasts';
import { marginRatio, money } from '../../stores/dispatch';
import { humanize } from '../../stores/request-reducer';
import { allows } from '../../stores/session';

interface CostTemplate { id: string; name: string; currency: string }
const CATEGORIES = ['parts', 'labour', 'travel'] as const;

/** Planned (the estimate) against actual (the technician's report), per category, with the margin. */
export function CostsPanel(props: { orderId: string; version: number }) {
  const [costs, { refetch }] = createResource(() => `${props.orderId}|${props.version}`, () => api<OrderCosts>('GET', `/orders/${props.orderId}/costs`));
  const [templates] = createResource(() => allows('costs.write'), 
    async () => (await api<Page<CostTemplate>>('GET', '/cost-templates?limit=200').catch(() => ({ items: [] }))).items);
  const [template, setTemplate] = createSignal('');

  const estimate = async () => {
    try {
      await api('POST', `/orders/${props.orderId}/estimate`, { body: { templateId: template() } });
      toast('Estimate added');
      void refetch();
    } catch (err) {
      toast(messageOf(err), 'error');
    }
  };
  const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)} %`);

  return (
    <div class="panel" data-testid="costs">
      <div class="panel-head"><strong>Costs: planned vs actual</strong>
        <Show when={costs()}>{(c) => <span class="muted small" style={{ 'margin-left': 'auto' }}>{c().coverage}</span>}</Show>
      </div>
      <Show when={!costs.error} fallback={<ErrorState message={messageOf(costs.error)} onRetry={() => void refetch()} />}>
        <Show when={costs()} fallback={<Loading />}>{(c) => {
          const m = (cents: number) => money(cents, c().currency);
          return (
            <div class="panel-body stack">
              <dl class="kpis">
                <div class="kpi"><dt>Planned</dt><dd data-testid="planned-total">{m(c().totals.plannedCents)}</dd></div>
                <div class="kpi"><dt>Actual</dt><dd data-testid="actual-total">{m(c().totals.actualCents)}</dd></div>
                <div class="kpi"><dt>Margin</dt>
                  <dd class={c().totals.marginCents >= 0 ? 'margin-pos' : 'margin-neg'} data-testid="margin">{m(c().totals.marginCents)}
                    <span class="small muted"> {pct(marginRatio(c().totals.plannedCents, c().totals.actualCents))}</span></dd></div>
                <div class="kpi"><dt>Chargeable</dt><dd>{m(c().totals.chargeableCents)}</dd></div>
              </dl>
              <table class="data costs-table">
                <thead><tr><th>Category</th><th class="num">Planned</th><th class="num">Actual</th><th class="num">Margin</th><th class="num">Covered</th><th class="num">Chargeable</th></tr></thead>
                <tbody>
                  <For each={CATEGORIES}>{(k) => {
                    const t = () => c().categories[k];
                    const margin = () => t().plannedCents - t().actualCents;
                    return (
                      <tr data-testid={`cost-${k}`}>
                        <td>{humanize(k)}</td><td class="num">{m(t().plannedCents)}</td><td class="num">{m(t().actualCents)}</td>
                        <td class={`num ${margin() >= 0 ? 'margin-pos' : 'margin-neg'}`}>{m(margin())}</td>
                        <td class="num">{m(t().coveredCents)}</td><td class="num">{m(t().chargeableCents)}</td>
                      </tr>
                    );
                  }}</For>
                  <tr class="total"><td>Total</td><td class="num">{m(c().totals.plannedCents)}</td><td class="num">{m(c().totals.actualCents)}</td>
                    <td class={`num ${c().totals.marginCents >= 0 ? 'margin-pos' : 'margin-neg'}`}>{m(c().totals.marginCents)}</td>
                    <td class="num">{m(c().totals.coveredCents)}</td><td class="num">{m(c().totals.chargeableCents)}</td></tr>
                </tbody>
              </table>
              <Show when={c().lines.length}>
                <h3>Lines</h3>
                <table class="data costs-table">
                  <thead><tr><th>Phase</th><th>Category</th><th>Description</th><th class="num">Qty</th><th class="num">Unit</th><th class="num">Amount</th></tr></thead>
                  <tbody>
                    <For each={c().lines}>{(l) => (
                      <tr>
                        <td><span class={`ostatus ${l.phase === 'planned' ? 'os-planned' : 'os-dispatched'}`}>{humanize(l.phase)}</span></td>
                        <td>{humanize(l.category)}</td>
                        <td>{l.description}<Show when={l.partNumber}> <span class="mono muted">{l.partNumber}</span></Show><Show when={!l.isChargeable}> <span class="tag">covered</span></Show></td>
                        <td class="num">{l.quantity}</td><td class="num">{money(l.unitPriceCents, l.currency)}</td><td class="num">{money(l.amountCents, l.currency)}</td>
                      </tr>
                    )}</For>
                  </tbody>
                </table>
              </Show>
              <Show when={templates()?.length}>
                <div class="row">
                  <select aria-label="Cost template" value={template()} onChange={(e) => setTemplate(e.currentTarget.value)}>
                    <option value="">Add an estimate from a template…</option>
                    <For each={templates()}>{(t) => <option value={t.id}>{t.name} ({t.currency})</option>}</For>
                  </select>
                  <button class="btn small" disabled={!template()} onClick={() => void estimate()}>Add estimate</button>
                </div>
              </Show>
            </div>
          );
        }}</Show>
      </Show>
    </div>
  );
}
