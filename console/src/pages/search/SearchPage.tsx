import { A, useSearchParams } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { Empty, ErrorState, Loading } from '../../components/bits';
import { Highlighted } from '../../components/Highlighted';
import { dateTime } from '../../lib/time';
import { hitHref, KIND_LABEL, searchApi, type SearchFilters } from '../../stores/search';

const FILTERS: Array<{ key: keyof SearchFilters; label: string; options: string[] }> = [
  { key: 'kind', label: 'Kind', options: ['request', 'order', 'asset', 'customer', 'contact', 'article'] },
  { key: 'type', label: 'Type', options: ['request', 'complaint', 'alarm'] },
  { key: 'channel', label: 'Channel', options: ['phone', 'email', 'web', 'mqtt'] },
  { key: 'status', label: 'Status', options: ['new', 'assigned', 'in_progress', 'waiting_customer', 'suspended', 'escalated', 'resolved', 'closed', 'closed_unresolved'] },
  { key: 'priority', label: 'Priority', options: ['high', 'medium', 'normal', 'low'] },
];

/** All results for a query, with filters kept in the URL (so a search can be shared and reloaded). */
export default function SearchPage() {
  const [params, setParams] = useSearchParams<Record<string, string>>();
  const query = () => {
    const filters: SearchFilters = {};
    for (const k of ['kind', 'type', 'channel', 'status', 'priority', 'from', 'to', 'customerId', 'teamId'] as const) if (params[k]) filters[k] = params[k];
    return { q: params.q ?? '', filters };
  };
  const [data, { refetch }] = createResource(() => (query().q.trim() ? query() : null), (s) => searchApi(s.q, s.filters, 50));

  return (
    <div class="page">
      <div class="content">
        <div class="content-head"><div><h1>Search</h1><p class="sub">Requests with their emails and call notes, customers, contacts, assets and orders.</p></div></div>
        <form class="search-filters" onSubmit={(e) => { e.preventDefault(); setParams({ q: new FormData(e.currentTarget).get('q') as string }); }}>
          <label>Words, number, serial or phone<input name="q" type="search" value={params.q ?? ''} data-testid="search-page-q" /></label>
          <For each={FILTERS}>
            {(f) => (
              <label>{f.label}
                <select value={params[f.key] ?? ''} onChange={(e) => setParams({ [f.key]: e.currentTarget.value || undefined })}>
                  <option value="">any</option>
                  <For each={f.options}>{(o) => <option value={o}>{o.replace(/_/g, ' ')}</option>}</For>
                </select>
              </label>
            )}
          </For>
          <label>From<input type="date" value={params.from ?? ''} onChange={(e) => setParams({ from: e.currentTarget.value || undefined })} /></label>
          <label>To<input type="date" value={params.to ?? ''} onChange={(e) => setParams({ to: e.currentTarget.value || undefined })} /></label>
          <Show when={params.customerId}><button type="button" class="btn ghost small" onClick={() => setParams({ customerId: undefined })}>× this customer only</button></Show>
          <button class="btn primary" type="submit">Search</button>
        </form>
        <Show when={query().q.trim()} fallback={<Empty title="Type what you are looking for" />}>
          <Show when={!data.error} fallback={<ErrorState message={String((data.error as Error)?.message ?? data.error)} onRetry={refetch} />}>
            <Show when={data()} fallback={<Loading label="Searching…" />}>
              {(r) => (
                <Show when={r().items.length} fallback={<Empty title={`Nothing found for “${query().q}”`} />}>
                  <Show when={r().corrected}>
                    {(c) => (
                      <p class="gsearch-corrected" data-testid="search-corrected">
                        Showing results for <A href={`/search?${new URLSearchParams({ ...query().filters, q: c().query })}`}><b>{c().query}</b></A>: nothing matched “{query().q}”.
                      </p>
                    )}
                  </Show>
                  <div class="search-results" data-testid="search-results">
                    <For each={r().items}>
                      {(hit) => (
                        <A class="gsearch-item" href={hitHref(hit, query().q)} data-kind={hit.kind}>
                          <span class={`gsearch-kind k-${hit.kind}`}>{KIND_LABEL[hit.kind]}</span>
                          <span class="gsearch-text">
                            <span class="gsearch-title"><Highlighted text={hit.title} ranges={hit.titleHighlights} /></span>
                            <span class="gsearch-snippet"><Highlighted text={hit.snippet.text} ranges={hit.snippet.highlights} /></span>
                          </span>
                          <span class="muted">{[hit.status?.replace(/_/g, ' '), hit.priority, dateTime(hit.createdAt)].filter(Boolean).join(' · ')}</span>
                        </A>
                      )}
                    </For>
                  </div>
                </Show>
              )}
            </Show>
          </Show>
        </Show>
      </div>
    </div>
  );
}
