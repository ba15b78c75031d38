import { Show, type JSX } from 'solid-js';
import { ApiError, messageOf } from '../api/client';

/** A labelled field with the hub's per-field message (details.fields) under it. */
export function Field(props: { label: string; error?: string | undefined; children: JSX.Element; wide?: boolean }) {
  return (
    <label style={props.wide ? { 'grid-column': '1 / -1' } : undefined}>
      {props.label}
      {props.children}
      <Show when={props.error}><span class="field-error">{props.error}</span></Show>
    </label>
  );
}

export interface FormFailure { message: string; fields: Record<string, string> }

export function failureOf(err: unknown): FormFailure {
  return { message: messageOf(err), fields: err instanceof ApiError ? err.fields : {} };
}
