import { A } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { api, type Page } from '../../api/client';
import type { OrderSummary } from '../../api/types';
import { PriorityBadge } from '../../components/bits';
import { dateTime } from '../../lib/time';
import { allows } from '../../stores/session';
import '../../styles/dispatch.css';
import { OrderStatusBadge } from '../dispatch/order-bits';

/** The request's service orders, each a link to its panel (state, report, planned vs actual costs). */
export function RequestOrders(props: { requestId: string; version: number }) {
  const [orders] = createResource(() => (allows('orders.read') ? `${props.requestId}|${props.version}` : null),
    () => api<Page<OrderSummary>>('GET', `/orders?requestId=${props.requestId}&limit=50`).then((p) => p.items));
  return (
    <Show when={orders()?.length}>
      <h3 class="section-title">Service orders</h3>
      <table class="data" data-testid="request-orders">
        <tbody>
          <For each={orders()}>{(o) => (
            <tr>
              <td><A class="mono" href={`/orders/${o.id}`}>{o.number}</A></td>
              <td><PriorityBadge priority={o.priority} /></td>
              <td><OrderStatusBadge status={o.status} /></td>
              <td class="muted">{o.scheduledFor ? `planned ${dateTime(o.scheduledFor)}` : o.dueAt ? `due ${dateTime(o.dueAt)}` : ''}</td>
              <td style={{ 'text-align': 'right' }}><A class="btn small ghost" href={`/orders/${o.id}`}>Costs & report</A></td>
            </tr>
          )}</For>
        </tbody>
      </table>
    </Show>
  );
}
