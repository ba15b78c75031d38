import { api } from '../api/client';
import type { SearchHit, SearchResult } from '../api/types';

export type SearchFilters = Partial<Record<'kind' | 'type' | 'channel' | 'status' | 'priority' | 'from' | 'to' | 'customerId' | 'teamId', string>>;

/** GET /api/search; an aborted call (the agent typed on) rejects with AbortError. */
export function searchApi(q: string, filters: SearchFilters = {}, limit = 20, signal?: AbortSignal): Promise<SearchResult> {
  const params = new URLSearchParams({ q, limit: String(limit) });
  for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
  return api<SearchResult>('GET', `/search?${params}`, { signal });
}

/** Where a result opens: its request (an asset's, contact's or customer's newest), an order, or that customer's results. */
export function hitHref(hit: Pick<SearchHit, 'kind' | 'id' | 'requestId' | 'customerId'>, q: string): string {
  if (hit.kind === 'order') return `/orders/${hit.id}`;
  if (hit.kind === 'article') return `/knowledge/${hit.id}`;
  if (hit.requestId) return `/requests/${hit.requestId}`;
  const customerId = hit.kind === 'customer' ? hit.id : hit.customerId;
  return customerId ? `/search?${new URLSearchParams({ q, customerId })}` : `/search?${new URLSearchParams({ q })}`;
}

export const KIND_LABEL: Record<SearchHit['kind'], string> = {
  request: 'Request', order: 'Order', asset: 'Asset', customer: 'Customer', contact: 'Contact', article: 'Article',
};
