import { createEffect, createSignal, Match, on, Switch, type JSX } from 'solid-js';
import { api, messageOf, type Page } from '../api/client';
import { Empty, ErrorState, Loading } from './bits';

export interface ListData<T> { loading: boolean; error: unknown; latest: Page<T> | null }

/**
 * Loads a list endpoint (again whenever the path changes, or on refetch after a write).
 * Plain signals rather than createResource: a refetch must not suspend the whole page.
 */
export function useList<T>(path: () => string): [() => ListData<T>, { refetch: () => Promise<void> }] {
  const [data, setData] = createSignal<ListData<T>>({ loading: true, error: null, latest: null });
  let gen = 0;
  const refetch = async () => {
    const g = ++gen;
    setData((d) => ({ ...d, loading: true }));
    try {
      const page = await api<Page<T>>('GET', path());
      if (g === gen) setData({ loading: false, error: null, latest: page });
    } catch (err) {
      if (g === gen) setData((d) => ({ ...d, loading: false, error: err }));
    }
  };
  createEffect(on(path, () => void refetch()));
  return [data, { refetch }];
}

export function ListStates<T>(props: { data: () => ListData<T>; onRetry: () => void; empty: string; emptyHint?: string; children: (items: T[]) => JSX.Element }) {
  return (
    <Switch>
      <Match when={props.data().loading && !props.data().latest}><Loading /></Match>
      <Match when={props.data().error}><ErrorState message={messageOf(props.data().error)} onRetry={props.onRetry} /></Match>
      <Match when={props.data().latest && props.data().latest!.items.length === 0}><Empty title={props.empty}>{props.emptyHint}</Empty></Match>
      <Match when={props.data().latest} keyed>{(p) => props.children(p.items)}</Match>
    </Switch>
  );
}
