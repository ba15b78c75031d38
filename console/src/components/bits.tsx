import { Show, type JSX } from 'solid-js';
import type { Priority, RequestStatus, Severity, WarrantyVerdict } from '../api/types';
import { humanize } from '../stores/request-reducer';

export function PriorityBadge(props: { priority: Priority }) {
  return <span class={`prio prio-${props.priority}`} title={`Priority: ${props.priority}`}><i />{humanize(props.priority)}</span>;
}

export function StatusBadge(props: { status: RequestStatus }) {
  return <span class={`status status-${props.status}`}>{humanize(props.status)}</span>;
}

export function SeverityBadge(props: { severity: Severity }) {
  return <span class={`sev sev-${props.severity}`}>{humanize(props.severity)}</span>;
}

const WARRANTY_TEXT: Record<WarrantyVerdict, string> = {
  in_warranty: 'In warranty', under_contract: 'Under contract', out_of_warranty: 'Out of warranty', unknown: 'Warranty unknown',
};
export function WarrantyBadge(props: { verdict: WarrantyVerdict }) {
  return <span class={`warranty w-${props.verdict}`}>{WARRANTY_TEXT[props.verdict]}</span>;
}

export function Empty(props: { title: string; children?: JSX.Element }) {
  return <div class="state empty"><strong>{props.title}</strong><Show when={props.children}><p>{props.children}</p></Show></div>;
}

export function Loading(props: { label?: string }) {
  return <div class="state loading" role="status"><span class="spinner" />{props.label ?? 'Loading…'}</div>;
}

export function ErrorState(props: { message: string; onRetry?: () => void }) {
  return (
    <div class="state error" role="alert">
      <strong>Could not load this.</strong>
      <p>{props.message}</p>
      <Show when={props.onRetry}><button class="btn" onClick={() => props.onRetry?.()}>Try again</button></Show>
    </div>
  );
}

export function Kbd(props: { children: JSX.Element }) {
  return <kbd>{props.children}</kbd>;
}
