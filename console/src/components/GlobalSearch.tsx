import { useNavigate } from '@solidjs/router';
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import type { SearchResult } from '../api/types';
import { hitHref, KIND_LABEL, searchApi } from '../stores/search';
import { Highlighted } from './Highlighted';

/**
 * The one search box: Ctrl+K (or `/` where the page has no search of its own) focuses it; results appear as the agent types (debounced,
 * the previous call aborted); ↑/↓ choose, Enter opens (an exact number, serial or phone number
 * opens its target directly), Esc closes; "All results" opens the search page with filters.
 */
export function GlobalSearch() {
  const navigate = useNavigate();
  let input!: HTMLInputElement;
  const [q, setQ] = createSignal('');
  const [result, setResult] = createSignal<SearchResult | null>(null);
  const [active, setActive] = createSignal(0);
  const [isOpen, setOpen] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: AbortController | undefined;
  let pending: Promise<void> = Promise.resolve();

  const run = (text: string) => {
    inFlight?.abort();
    if (!text.trim()) { setResult(null); return Promise.resolve(); }
    const ctrl = new AbortController();
    inFlight = ctrl;
    return searchApi(text, {}, 8, ctrl.signal).then((r) => {
      if (ctrl.signal.aborted) return;
      setResult(r); setActive(0); setError(null); setOpen(true);
    }).catch((e: unknown) => {
      if (!ctrl.signal.aborted) { setError(e instanceof Error ? e.message : 'search failed'); setOpen(true); }
    });
  };
  const onInput = (text: string) => {
    setQ(text);
    clearTimeout(timer);
    pending = new Promise((resolve) => { timer = setTimeout(() => void run(text).then(resolve), 150); });
  };
  const close = () => { setOpen(false); input.blur(); };
  const open = (href: string) => { close(); setQ(''); setResult(null); navigate(href); };
  const items = () => result()?.items ?? [];

  const onKeyDown = async (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); setActive((i) => Math.min(i + 1, items().length)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((i) => Math.max(i - 1, 0)); }
    else if (e.key === 'Escape') { e.preventDefault(); close(); }
    else if (e.key === 'Enter') {
      e.preventDefault();
      const text = q();
      // Enter right after typing: wait for the results of what was typed
      clearTimeout(timer);
      if (!result() || isOpen() === false) await run(text); else await pending;
      const hit = items()[active()];
      if (active() === items().length || !hit) open(`/search?${new URLSearchParams({ q: text })}`);
      else open(hitHref(hit, text));
    }
  };

  const focus = (e: KeyboardEvent) => { e.preventDefault(); input.focus(); input.select(); };
  const onCtrlK = (e: KeyboardEvent) => { if (e.key === 'k' && (e.ctrlKey || e.metaKey)) focus(e); };
  // "/" is heard on window, after the page's own listeners: a page with its own search box
  // (the queue's filter) claims "/" with preventDefault, and Ctrl+K still reaches this one.
  const onSlash = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement | null;
    const isTyping = !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
    if (e.key === '/' && !e.defaultPrevented && !isTyping && !e.ctrlKey && !e.metaKey && !e.altKey) focus(e);
  };
  onMount(() => { document.addEventListener('keydown', onCtrlK); window.addEventListener('keydown', onSlash); });
  onCleanup(() => {
    document.removeEventListener('keydown', onCtrlK); window.removeEventListener('keydown', onSlash);
    clearTimeout(timer); inFlight?.abort();
  });

  return (
    <div class="gsearch" onFocusOut={(e) => { if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false); }}>
      <input
        ref={input} type="search" placeholder="Search…" aria-label="Find anything: requests, customers, assets, orders"
        data-testid="global-search" value={q()} autocomplete="off"
        onInput={(e) => onInput(e.currentTarget.value)} onKeyDown={(e) => void onKeyDown(e)}
        onFocus={() => { if (result()) setOpen(true); }}
      />
      <Show when={!q()}><kbd class="gsearch-key" aria-hidden="true">Ctrl K</kbd></Show>
      <Show when={isOpen() && q().trim()}>
        <div class="gsearch-drop" role="listbox" data-testid="search-dropdown">
          <Show when={error()}><div class="gsearch-empty">{error()}</div></Show>
          <Show when={!error() && items().length === 0}><div class="gsearch-empty">Nothing found for “{q()}”</div></Show>
          <Show when={!error() && result()?.corrected}>
            {(c) => <div class="gsearch-corrected" data-testid="search-corrected">Showing results for <b>{c().query}</b>: nothing matched “{q()}”</div>}
          </Show>
          <For each={items()}>
            {(hit, i) => (
              <a
                class="gsearch-item" classList={{ active: active() === i() }} role="option" aria-selected={active() === i()}
                href={hitHref(hit, q())} tabIndex={-1} data-kind={hit.kind}
                onMouseEnter={() => setActive(i())}
                onClick={(e) => { e.preventDefault(); open(hitHref(hit, q())); }}
              >
                <span class={`gsearch-kind k-${hit.kind}`}>{KIND_LABEL[hit.kind]}</span>
                <span class="gsearch-text">
                  <span class="gsearch-title"><Highlighted text={hit.title} ranges={hit.titleHighlights} /></span>
                  <span class="gsearch-snippet"><Highlighted text={hit.snippet.text} ranges={hit.snippet.highlights} /></span>
                </span>
                <Show when={result()?.jump?.id === hit.id}><span class="gsearch-jump">↵ open</span></Show>
              </a>
            )}
          </For>
          <a
            class="gsearch-item gsearch-all" classList={{ active: active() === items().length }} href={`/search?${new URLSearchParams({ q: q() })}`}
            tabIndex={-1} onMouseEnter={() => setActive(items().length)}
            onClick={(e) => { e.preventDefault(); open(`/search?${new URLSearchParams({ q: q() })}`); }}
          >All results and filters…</a>
        </div>
      </Show>
    </div>
  );
}
