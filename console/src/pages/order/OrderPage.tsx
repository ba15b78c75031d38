import { A, useParams } from '@solidjs/router';
import { createResource, For, onCleanup, Show } from 'solid-js';
import { api, ApiError, messageOf } from '../../api/client';
import type { FeedbackView, OrderDetail } from '../../api/types';
import { ErrorState, Loading, PriorityBadge } from '../../components/bits';
import { dateTime } from '../../lib/time';
import { realtime } from '../../realtime';
import { userName } from '../../stores/directory';
import { humanize } from '../../stores/request-reducer';
import { allows } from '../../stores/session';
import '../../styles/dispatch.css';
import { OrderStatusBadge } from '../dispatch/order-bits';
import { CostsPanel } from './CostsPanel';

/** One service order: its state, the technician's report and planned vs actual costs; live from `dispatch`. */
export default function OrderPage() {
  const params = useParams();
  const [order, { refetch }] = createResource(() => params.id, (id) => api<OrderDetail>('GET', `/orders/${id}`));
  const [feedback, { refetch: refetchFeedback }] = createResource(() => params.id, async (id) => {
    try { return await api<FeedbackView>('GET', `/orders/${id}/feedback`); } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  });
  const rt = realtime();
  const off = [
    // Staff outside dispatch may not join its room; they see the order as of opening it.
    rt.subscribe(allows('dispatch.plan') ? ['dispatch'] : []),
    rt.onFrame((f) => {
      if (!f.type.startsWith('order.')) return;
      const o = 'order' in f.data ? f.data.order : f.data;
      if (o && typeof o === 'object' && 'id' in o && o.id === params.id) { void refetch(); void refetchFeedback(); }
    }),
  ];
  onCleanup(() => off.forEach((fn) => fn()));

  return (
    <div class="page">
      <Show when={!order.error} fallback={<ErrorState message={messageOf(order.error)} onRetry={() => void refetch()} />}>
        <Show when={order()} fallback={<Loading />}>{(o) => (
          <div class="content" data-testid="order-page">
            <div class="crumbs"><Show when={allows('dispatch.plan')}><A href="/dispatch">Dispatch</A> · </Show><A href={`/requests/${o().requestId}`}>Request</A> · {o().number}</div>
            <div class="content-head">
              <div>
                <h1><span class="muted">{o().number}</span> {humanize(o().kind)} order</h1>
                <p class="sub">{o().description || 'No description.'}</p>
              </div>
              <div class="badges" style={{ 'margin-left': 'auto' }}><PriorityBadge priority={o().priority} /><OrderStatusBadge status={o().status} /></div>
            </div>
            <dl class="facts">
              <div class="fact"><dt>Technician</dt><dd>{o().technicianId ? userName(o().technicianId) ?? 'Assigned' : '—'}</dd></div>
              <div class="fact"><dt>Planned for</dt><dd>{o().scheduledFor ? dateTime(o().scheduledFor!) : '—'}</dd></div>
              <div class="fact"><dt>Due</dt><dd>{o().dueAt ? dateTime(o().dueAt!) : '—'}</dd></div>
              <div class="fact"><dt>Completed</dt><dd>{o().completedAt ? dateTime(o().completedAt!) : '—'}</dd></div>
              <div class="fact"><dt>Accepted</dt><dd>{o().acceptedAt ? `${dateTime(o().acceptedAt!)}${o().acceptedVia ? ` (${humanize(o().acceptedVia!)})` : ''}` : '—'}</dd></div>
              <div class="fact"><dt>Skill</dt><dd>{o().requiredSkill ?? '—'}</dd></div>
            </dl>
            <div class="order-grid">
              <Show when={allows('costs.read')} fallback={<div />}><CostsPanel orderId={o().id} version={o().version} /></Show>
              <div class="panel" data-testid="report">
                <div class="panel-head"><strong>Technician's report</strong></div>
                <div class="panel-body">
                  <Show when={feedback.error ? undefined : feedback()} fallback={<p class="muted" style={{ margin: 0 }}>{feedback.error ? messageOf(feedback.error) : 'No report yet: the technician writes it on site.'}</p>}>{(f) => (
                    <dl class="facts" style={{ 'grid-template-columns': '1fr' }}>
                      <div class="fact"><dt>Work done</dt><dd style={{ 'white-space': 'normal' }}>{f().workDone}</dd></div>
                      <div class="fact"><dt>Fault code · component</dt><dd>{f().faultCode ?? '—'} · {f().failedComponent ?? '—'}</dd></div>
                      <div class="fact"><dt>Object condition</dt><dd style={{ 'white-space': 'normal' }}>{f().objectCondition}</dd></div>
                      <div class="fact"><dt>Labour · travel</dt><dd>{f().labourHours} h · {f().travelKm} km</dd></div>
                      <Show when={f().requisitionIds.length}><div class="fact"><dt>Parts requested</dt><dd>{f().requisitionIds.length} requisition(s)</dd></div></Show>
                      <div class="fact"><dt>Submitted</dt><dd>{dateTime(f().submittedAt)}</dd></div>
                      <For each={f().photos}>{(p) => <img src={p.url} alt="visit photo" style={{ 'max-width': '100%', 'border-radius': '6px' }} />}</For>
                    </dl>
                  )}</Show>
                </div>
              </div>
            </div>
          </div>
        )}</Show>
      </Show>
    </div>
  );
}
