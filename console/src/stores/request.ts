import { createStore, reconcile } from 'solid-js/store';
import { api, ApiError, messageOf } from '../api/client';
import type { AssetView, ContractView, CustomerView, LoggedEvent, RequestDetail, RequestUpdate, TimelineEntryView, RequestView } from '../api/types';
import type { RealtimeClient } from '../realtime/client';
import { addEntry, applyToRequest, conflictMessage } from './request-reducer';

export interface RequestState {
  detail: RequestDetail | null;
  customer: CustomerView | null;
  asset: AssetView | null;
  contract: ContractView | null;
  isLoading: boolean;
  error: string | null;
  /** true when the request does not exist (or is not visible to this user) */
  isMissing: boolean;
}

/** One open request: its snapshot, the facts around it, its live timeline and the writes on it. */
export function createRequestStore(rt: RealtimeClient, id: string) {
  const [state, setState] = createStore<RequestState>({
    detail: null, customer: null, asset: null, contract: null, isLoading: true, error: null, isMissing: false,
  });

  async function load() {
    try {
      const detail = await api<RequestDetail>('GET', `/requests/${id}`);
      setState('detail', reconcile(detail, { key: 'id' }));
      setState({ isLoading: false, error: null });
      void loadFacts(detail);
    } catch (err) {
      setState({ isLoading: false, error: messageOf(err), isMissing: err instanceof ApiError && err.status === 404 });
    }
  }

  async function loadFacts(d: RequestDetail) {
    const get = <T,>(path: string) => api<T>('GET', path).catch(() => null);
    const [customer, asset, contract] = await Promise.all([
      d.customerId && state.customer?.id !== d.customerId ? get<CustomerView>(`/customers/${d.customerId}`) : state.customer,
      d.assetId && state.asset?.id !== d.assetId ? get<AssetView>(`/assets/${d.assetId}`) : state.asset,
      d.contractId && state.contract?.id !== d.contractId ? get<ContractView>(`/contracts/${d.contractId}`) : state.contract,
    ]);
    setState({ customer, asset, contract });
  }

  function apply(event: LoggedEvent) {
    const d = state.detail;
    if (!d) return;
    const next = applyToRequest(d, event);
    if (next !== d) setState('detail', reconcile(next, { key: 'id', merge: true }));
  }

  /** A write with the version on screen; a 409 reloads and explains instead of overwriting. */
  async function update(patch: Omit<RequestUpdate, 'version'>): Promise<{ ok: true } | { ok: false; message: string }> {
    const d = state.detail;
    if (!d) return { ok: false, message: 'The request is not loaded.' };
    try {
      const view = await api<RequestView>('PATCH', `/requests/${id}`, { body: { ...patch, version: d.version } });
      if (view.version > (state.detail?.version ?? 0)) setState('detail', (cur) => (cur ? { ...cur, ...view } : cur));
      void load();
      return { ok: true };
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        await load();
        return { ok: false, message: conflictMessage(err.details) };
      }
      return { ok: false, message: messageOf(err) };
    }
  }

  /**
   * A request action of the realtime issue (claim, escalate, asset, merge): POST with the version
   * on screen. A hub without the route says so rather than pretending.
   */
  async function act(action: string, body: Record<string, unknown>): Promise<{ ok: true } | { ok: false; message: string }> {
    const d = state.detail;
    if (!d) return { ok: false, message: 'The request is not loaded.' };
    try {
      await api('POST', `/requests/${id}/${action}`, { body: { ...body, version: d.version } });
      void load();
      return { ok: true };
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && /no route/.test(err.message)) {
        return { ok: false, message: 'This action is not available on this hub yet.' };
      }
      if (err instanceof ApiError && err.status === 409) {
        await load();
        return { ok: false, message: conflictMessage(err.details) };
      }
      return { ok: false, message: messageOf(err) };
    }
  }

  async function addNote(body: string, isInternal: boolean): Promise<{ ok: true } | { ok: false; message: string }> {
    try {
      const entry = await api<TimelineEntryView>('POST', `/requests/${id}/notes`, { body: { body, isInternal } });
      setState('detail', (cur) => (cur ? { ...cur, timeline: addEntry(cur.timeline, entry) } : cur));
      return { ok: true };
    } catch (err) {
      return { ok: false, message: messageOf(err) };
    }
  }

  /** An email to the request's contact (through the hub's outbox); the timeline gets it as email_out. */
  async function reply(body: string): Promise<{ ok: true; to: string } | { ok: false; message: string }> {
    try {
      const res = await api<{ entry: TimelineEntryView; mail: { to: string } }>('POST', `/requests/${id}/replies`, { body: { body } });
      setState('detail', (cur) => (cur ? { ...cur, timeline: addEntry(cur.timeline, res.entry) } : cur));
      return { ok: true, to: res.mail.to };
    } catch (err) {
      return { ok: false, message: messageOf(err) };
    }
  }

  const offFrame = rt.onFrame(apply);
  const offReload = rt.onReload((rooms) => { if (rooms.includes(`request:${id}`)) void load(); });
  const unsubscribe = rt.subscribe([`request:${id}`]);
  void load();

  return {
    state, load, update, act, addNote, reply,
    dispose() {
      offFrame();
      offReload();
      unsubscribe();
    },
  };
}

export type RequestStore = ReturnType<typeof createRequestStore>;
