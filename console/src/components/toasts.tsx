import { createSignal, For } from 'solid-js';

export interface Toast { id: number; kind: 'ok' | 'error' | 'info'; text: string }

const [toasts, setToasts] = createSignal<Toast[]>([]);
let nextId = 1;

export function toast(text: string, kind: Toast['kind'] = 'ok') {
  const id = nextId++;
  setToasts((t) => [...t, { id, kind, text }]);
  setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), kind === 'error' ? 8000 : 4000);
}

export function Toasts() {
  return (
    <div class="toasts" aria-live="polite">
      <For each={toasts()}>{(t) => <div class={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>{t.text}</div>}</For>
    </div>
  );
}
