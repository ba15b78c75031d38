import type { OrderStatus } from '../../api/types';
import { humanize } from '../../stores/request-reducer';

export function OrderStatusBadge(props: { status: OrderStatus }) {
  return <span class={`ostatus os-${props.status}`} data-testid="order-status">{humanize(props.status)}</span>;
}

/** The visit's planned time, or a dash when it has none. */
export function slotTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '—';
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
