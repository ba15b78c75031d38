import { createSignal, For, Show } from 'solid-js';
import { api, ApiError, messageOf } from '../../api/client';

interface RowError { row: number; field: string; message: string }
interface Report { rows: number; created: number; updated: number }

const COLUMNS = {
  customers: 'externalRef, name, country, region, email, phone',
  assets: 'serialNumber, modelCode, customerRef, siteName, contractNumber, installedAt, warrantyUntil',
} as const;

/** CSV import of customers or assets: all or nothing, with a report of every bad row. */
export default function ImportPage() {
  const [kind, setKind] = createSignal<keyof typeof COLUMNS>('customers');
  const [file, setFile] = createSignal<File | null>(null);
  const [isBusy, setBusy] = createSignal(false);
  const [report, setReport] = createSignal<Report | null>(null);
  const [failure, setFailure] = createSignal<{ message: string; rows: RowError[] } | null>(null);

  const run = async (e: SubmitEvent) => {
    e.preventDefault();
    const f = file();
    if (!f) return;
    setBusy(true); setReport(null); setFailure(null);
    try {
      setReport(await api<Report>('POST', `/import/${kind()}`, { text: await f.text(), headers: { 'content-type': 'text/csv' } }));
    } catch (err) {
      const rows = err instanceof ApiError && Array.isArray(err.details.rows) ? err.details.rows.filter(isRowError) : [];
      setFailure({ message: messageOf(err), rows });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page">
      <div class="content" style={{ 'max-width': '900px' }}>
        <div><h1>CSV import</h1><p class="sub">Rows upsert by reference or serial number. One bad row rejects the whole file, so nothing is half-imported.</p></div>
        <form class="panel" onSubmit={run}>
          <div class="panel-body form-grid">
            <label>What<select value={kind()} onChange={(e) => setKind(e.currentTarget.value as keyof typeof COLUMNS)}>
              <option value="customers">Customers</option><option value="assets">Assets (install base)</option></select></label>
            <label>CSV file<input type="file" accept=".csv,text/csv" aria-label="CSV file" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} /></label>
          </div>
          <div class="panel-body" style={{ 'padding-top': 0 }}>
            <p class="muted small" style={{ margin: 0 }}>Header row, comma or semicolon separated: <code class="mono">{COLUMNS[kind()]}</code></p>
            <div class="form-actions"><button class="btn primary" type="submit" disabled={!file() || isBusy()}>{isBusy() ? 'Importing…' : 'Import'}</button></div>
          </div>
        </form>
        <Show when={report()}>{(r) => (
          <div class="banner banner-info" role="status" style={{ 'border-radius': '8px' }}>
            Imported {r().rows} rows: {r().created} created, {r().updated} updated.
          </div>
        )}</Show>
        <Show when={failure()}>{(f) => (
          <div class="panel" data-testid="import-errors">
            <div class="panel-head banner-error" role="alert"><strong>Nothing was imported.</strong> {f().message}</div>
            <Show when={f().rows.length}>
              <table class="data">
                <thead><tr><th>Row</th><th>Field</th><th>Problem</th></tr></thead>
                <tbody><For each={f().rows}>{(r) => <tr><td class="mono">{r.row || 'file'}</td><td class="mono">{r.field}</td><td>{r.message}</td></tr>}</For></tbody>
              </table>
            </Show>
          </div>
        )}</Show>
      </div>
    </div>
  );
}

function isRowError(v: unknown): v is RowError {
  return !!v && typeof v === 'object' && typeof (v as RowError).row === 'number' && typeof (v as RowError).message === 'string';
}
