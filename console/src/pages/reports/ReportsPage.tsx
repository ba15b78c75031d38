import { useSearchParams } from '@solidjs/router';
import { createEffect, createResource, For, Match, Show, Switch } from 'solid-js';
import type { ReportColumn, ReportInfo, ReportResult } from '../../../../hub/contracts/api/reports.js';
import { api, messageOf, type Page } from '../../api/client';
import { Empty, ErrorState, Loading } from '../../components/bits';
import { ReportChart } from './ReportChart';
import '../../styles/reports.css';

const DAY_MS = 86_400_000;
/** Days and buckets follow the browser's zone, so "today" and a day's bar mean what the user expects. */
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

type Params = { name: string; from: string; to: string; bucket?: string; groupBy?: string };

function queryOf(p: Params, format?: 'csv') {
  const q = new URLSearchParams({ from: p.from, to: p.to, timeZone: ZONE });
  if (p.bucket) q.set('bucket', p.bucket);
  if (p.groupBy) q.set('groupBy', p.groupBy);
  if (format) q.set('format', format);
  return `/reports/${encodeURIComponent(p.name)}?${q}`;
}

function formatCell(v: string | number | null | undefined, type: ReportColumn['type']): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') {
    if (type === 'percent') return `${v.toLocaleString(undefined, { maximumFractionDigits: 1 })} %`;
    if (type === 'money') return v.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return v.toLocaleString(undefined, { maximumFractionDigits: 2 });
  }
  if (type === 'datetime') return new Date(v).toLocaleString();
  return v;
}

/**
 * A select whose value is set after its options are in place: when the option list changes
 * with the value (another report), setting `value` first would leave the old choice shown.
 */
function Choice(props: { value: string; options: string[][]; onChange: (v: string) => void }) {
  let el!: HTMLSelectElement;
  createEffect(() => { const v = props.value; void props.options; el.value = v; });
  return (
    <select ref={el} onChange={(e) => props.onChange(e.currentTarget.value)}>
      <For each={props.options}>{([v, label]) => <option value={v}>{label}</option>}</For>
    </select>
  );
}

/** Reports: pick one, a date range and a grouping; a chart, its table and a CSV download. The URL holds the choice. */
export default function ReportsPage() {
  const [search, setSearch] = useSearchParams<{ name?: string; from?: string; to?: string; bucket?: string; groupBy?: string }>();
  const [catalogue] = createResource(() => api<Page<ReportInfo>>('GET', '/reports').then((p) => p.items));
  const info = () => catalogue()?.find((r) => r.name === (search.name ?? 'volume')) ?? catalogue()?.[0];
  const params = (): Params | null => {
    const i = info();
    if (!i) return null;
    const to = search.to ?? today();
    const from = search.from ?? isoDay(new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS));
    const bucket = i.buckets.includes(search.bucket as never) ? search.bucket : i.defaultBucket ?? undefined;
    const groupBy = i.groupBys.includes(search.groupBy as never) ? search.groupBy : i.defaultGroupBy ?? undefined;
    return { name: i.name, from, to, ...(bucket ? { bucket } : {}), ...(groupBy ? { groupBy } : {}) };
  };
  const [report] = createResource(params, (p) => api<ReportResult>('GET', queryOf(p)));

  return (
    <div class="page">
      <div class="content reports">
        <div class="content-head">
          <div><h1>Reports</h1><p class="sub">Volume, SLA, alarms, service quality and costs. Days are in {ZONE}; every chart has its table and a CSV.</p></div>
        </div>
        <Switch>
          <Match when={catalogue.error}><ErrorState message={messageOf(catalogue.error)} /></Match>
          <Match when={!catalogue()}><Loading /></Match>
          <Match when={params()}>
            {(p) => (
              <>
                <form class="report-controls" aria-label="Report parameters" onSubmit={(e) => e.preventDefault()}>
                  <label>Report
                    <Choice value={p().name} options={catalogue()!.map((r) => [r.name, r.title])} onChange={(name) => setSearch({ name, bucket: undefined, groupBy: undefined })} />
                  </label>
                  <label>From<input type="date" value={p().from} max={p().to} onChange={(e) => e.currentTarget.value && setSearch({ from: e.currentTarget.value })} /></label>
                  <label>To<input type="date" value={p().to} min={p().from} onChange={(e) => e.currentTarget.value && setSearch({ to: e.currentTarget.value })} /></label>
                  <Show when={info()!.buckets.length > 1}>
                    <label>Bucket
                      <Choice value={p().bucket ?? ''} options={info()!.buckets.map((b) => [b, b])} onChange={(bucket) => setSearch({ bucket })} />
                    </label>
                  </Show>
                  <Show when={info()!.groupBys.length > 1}>
                    <label>Group by
                      <Choice value={p().groupBy ?? ''} options={info()!.groupBys.map((g) => [g, g])} onChange={(groupBy) => setSearch({ groupBy })} />
                    </label>
                  </Show>
                  <a class="btn" href={`/api${queryOf(p(), 'csv')}`} download="">Download CSV</a>
                </form>
                <p class="report-desc">{info()!.description} <span class="muted">Range applies to: {info()!.rangeOn}.</span></p>
                <Switch>
                  <Match when={report.error}><ErrorState message={messageOf(report.error)} /></Match>
                  <Match when={!report() || report.loading}><Loading label="Computing the report…" /></Match>
                  <Match when={report()}>
                    {(r) => (
                      <>
                        <For each={r().notes}>{(n) => <p class="report-note">{n}</p>}</For>
                        <Show when={r().rows.length} fallback={<Empty title="No data in this range">Try a longer range or another grouping.</Empty>}>
                          <Show when={r().chart}><div class="panel"><div class="panel-body"><ReportChart report={r()} /></div></div></Show>
                          <div class="panel report-table">
                            <table class="data" data-testid="report-table">
                              <thead><tr><For each={r().columns}>{(c) => <th classList={{ num: c.type !== 'string' && c.type !== 'datetime' }}>{c.label}</th>}</For></tr></thead>
                              <tbody>
                                <For each={r().rows}>{(row) => (
                                  <tr><For each={r().columns}>{(c) => <td classList={{ num: c.type !== 'string' && c.type !== 'datetime' }}>{formatCell(row[c.key], c.type)}</td>}</For></tr>
                                )}</For>
                              </tbody>
                            </table>
                          </div>
                          <p class="muted small">{r().rows.length} rows · computed {new Date(r().generatedAt).toLocaleTimeString()}</p>
                        </Show>
                      </>
                    )}
                  </Match>
                </Switch>
              </>
            )}
          </Match>
        </Switch>
      </div>
    </div>
  );
}
