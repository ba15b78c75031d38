import { createResource, createSignal, For, Show } from 'solid-js';
import { api, ApiError, messageOf } from '../../api/client';
import type { BoardVisit, FeedbackView, OrderDetail, OrderStatus } from '../../api/types';
import { Loading, PriorityBadge } from '../../components/bits';
import { toast } from '../../components/toasts';
import { fieldActions } from '../../stores/dispatch';
import { OrderStatusBadge, slotTime } from '../dispatch/order-bits';
import { FeedbackForm } from './FeedbackForm';
import { SignOffForm } from './SignOffForm';

async function feedbackOf(id: string): Promise<FeedbackView | null> {
  try {
    return await api<FeedbackView>('GET', `/orders/${id}/feedback`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** One visit: tap to open; the next status as a big button; on site the report, then the customer's signature. */
export function JobCard(props: { visit: BoardVisit; index: number; isOpen: boolean; isNew: boolean; onToggle: () => void; onChanged: () => void }) {
  // Re-read when the visit's version moves (a live change), so the buttons are what the hub allows now.
  const [detail, { mutate, refetch }] = createResource(() => (props.isOpen ? `${props.visit.id}|${props.visit.version}` : null), (k) => api<OrderDetail>('GET', `/orders/${k.split('|')[0]}`));
  const [feedback, { mutate: setFeedback }] = createResource(() => (props.isOpen ? props.visit.id : null), feedbackOf);
  const [busy, setBusy] = createSignal(false);

  const transition = (o: OrderDetail, to: OrderStatus) => api<OrderDetail>('POST', `/orders/${o.id}/transitions`, { body: { to, version: o.version } });
  const move = async (o: OrderDetail, to: OrderStatus) => {
    setBusy(true);
    try {
      mutate(await transition(o, to).catch(async (err: unknown) => {
        // The report or the sign-off moved the version, not the status: the tap still means the same step.
        if (!(err instanceof ApiError) || err.status !== 409) throw err;
        const fresh = await api<OrderDetail>('GET', `/orders/${o.id}`);
        if (fresh.status !== o.status || !fresh.allowedTransitions.includes(to)) throw err;
        return transition(fresh, to);
      }));
      props.onChanged();
    } catch (err) {
      toast(messageOf(err), 'error');
      props.onChanged();
    } finally {
      setBusy(false);
    }
  };
  const v = () => props.visit;
  const atVisit = (o: OrderDetail) => o.status === 'on_site' || o.status === 'completed';

  return (
    <article class={`job p-${v().priority}`} classList={{ arrived: props.isNew }} data-testid="job" data-order={v().number}>
      <button class="job-summary" onClick={() => props.onToggle()} aria-expanded={props.isOpen}>
        <span class="seq">{props.index}</span>
        <span class="title">{v().site?.name ?? v().number}</span>
        <OrderStatusBadge status={v().status} />
        <span class="meta">
          <span class="mono">{v().number}</span><span>{slotTime(v().scheduledFor)}</span><PriorityBadge priority={v().priority} />
          <Show when={v().legKm != null}><span>{v().legKm} km</span></Show>
        </span>
      </button>
      <Show when={props.isOpen}>
        <div class="job-body">
          <Show when={!detail.error && !feedback.error} fallback={<p class="form-error" role="alert">{messageOf(detail.error ?? feedback.error)}</p>}>
          <Show when={detail()} fallback={<Loading />}>{(o) => (
            <>
              <p class="desc">{o().description || 'No description.'}</p>
              <Show when={v().site?.latitude != null}>
                <a class="btn touch" target="_blank" rel="noreferrer" href={`https://www.openstreetmap.org/directions?to=${v().site!.latitude},${v().site!.longitude}`}>Directions ↗</a>
              </Show>
              <div class="big-actions">
                <For each={fieldActions(o().allowedTransitions).filter((a) => a.to !== 'completed' || feedback())}>{(a) => (
                  <button class={`btn touch ${a.isPrimary ? 'primary' : ''}`} disabled={busy()} onClick={() => void move(o(), a.to)}>{a.label}</button>
                )}</For>
              </div>
              <Show when={o().acceptedAt} fallback={
                <Show when={atVisit(o()) && !feedback.loading}>
                  <Show when={feedback()} fallback={<FeedbackForm orderId={o().id} onDone={(f) => { setFeedback(f); void refetch(); toast('Work report saved'); }} />}>
                    <div class="done-note">✓ Work report saved{o().status === 'on_site' ? ' — complete the work when you are done' : ''}</div>
                    <SignOffForm orderId={o().id} onDone={(d) => { mutate(d); toast('Signed off'); props.onChanged(); }} />
                  </Show>
                </Show>
              }>
                <div class="done-note" data-testid="signed">✓ Signed off by the customer{o().status === 'accepted' ? ' — the visit is done' : ''}</div>
              </Show>
            </>
          )}</Show>
          </Show>
        </div>
      </Show>
    </article>
  );
}
