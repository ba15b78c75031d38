import { createSignal, For, Show } from 'solid-js';
import { SEVERITIES } from '../../../../hub/contracts/model.js';
import { api } from '../../api/client';
import type { CategoryView, FaultCodeView, OrderRuleView, Severity } from '../../api/types';
import { ListStates, useList } from '../../components/AsyncList';
import { SeverityBadge } from '../../components/bits';
import { Field, failureOf, type FormFailure } from '../../components/form';
import { toast } from '../../components/toasts';
import { humanize } from '../../stores/request-reducer';

type Tab = 'categories' | 'fault-codes' | 'order-rules';

/** What requests are about: categories with their form fields, the fault-code table, the order rules. */
export default function CatalogPage() {
  const [tab, setTab] = createSignal<Tab>('categories');
  return (
    <div class="page">
      <div class="content" style={{ 'padding-bottom': 0 }}>
        <div><h1>Categories &amp; codes</h1><p class="sub">Request categories and their custom fields, the standard fault-code table, and the rules that open service orders from alarms.</p></div>
      </div>
      <div class="tabs" role="tablist">
        <For each={[['categories', 'Categories'], ['fault-codes', 'Fault codes'], ['order-rules', 'Order rules']] as [Tab, string][]}>{([k, l]) => (
          <button class="tab" role="tab" aria-selected={tab() === k} classList={{ active: tab() === k }} onClick={() => setTab(k)}>{l}</button>
        )}</For>
      </div>
      <div class="content">
        <Show when={tab() === 'categories'}><Categories /></Show>
        <Show when={tab() === 'fault-codes'}><FaultCodes /></Show>
        <Show when={tab() === 'order-rules'}><OrderRules /></Show>
      </div>
    </div>
  );
}

function Categories() {
  const [data, { refetch }] = useList<CategoryView>(() => '/categories?limit=500');
  return (
    <ListStates data={data} onRetry={refetch} empty="No categories">
      {(items) => (
        <div class="cards">
          <For each={items}>{(c) => (
            <div class="panel">
              <div class="panel-head"><strong>{c.name}</strong><span class="muted mono small">{c.key}</span>
                <span style={{ 'margin-left': 'auto' }} class={`type-tag t-${c.defaultType}`}>{c.defaultType}</span></div>
              <div class="panel-body">
                <Show when={c.fields.length} fallback={<span class="muted small">No custom fields</span>}>
                  <table class="data"><tbody><For each={c.fields}>{(f) => (
                    <tr><td>{f.label}{f.required ? ' *' : ''}</td><td class="muted">{f.kind}{f.options ? `: ${f.options.join(', ')}` : ''}</td></tr>
                  )}</For></tbody></table>
                </Show>
              </div>
            </div>
          )}</For>
        </div>
      )}
    </ListStates>
  );
}

function FaultCodes() {
  const [data, { refetch }] = useList<FaultCodeView>(() => '/fault-codes?limit=500');
  const [f, setF] = createSignal({ code: '', description: '', defaultSeverity: 'major' as Severity, requiredSkill: '' });
  const [failure, setFailure] = createSignal<FormFailure | null>(null);
  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    setFailure(null);
    try {
      await api('POST', '/fault-codes', { body: { ...f(), requiredSkill: f().requiredSkill || null } });
      toast('Fault code added');
      setF({ code: '', description: '', defaultSeverity: 'major', requiredSkill: '' });
      void refetch();
    } catch (err) { setFailure(failureOf(err)); }
  };
  return (
    <>
      <form class="panel" onSubmit={save} aria-label="New fault code">
        <div class="panel-body form-grid">
          <Field label="Code" error={failure()?.fields.code}><input required value={f().code} onInput={(e) => setF({ ...f(), code: e.currentTarget.value })} /></Field>
          <Field label="Description" error={failure()?.fields.description}><input required value={f().description} onInput={(e) => setF({ ...f(), description: e.currentTarget.value })} /></Field>
          <Field label="Default severity"><select value={f().defaultSeverity} onChange={(e) => setF({ ...f(), defaultSeverity: SEVERITIES.find((s) => s === e.currentTarget.value) ?? 'major' })}>
            <For each={SEVERITIES}>{(s) => <option value={s}>{humanize(s)}</option>}</For></select></Field>
          <Field label="Required skill"><input value={f().requiredSkill} onInput={(e) => setF({ ...f(), requiredSkill: e.currentTarget.value })} /></Field>
        </div>
        <div class="panel-body" style={{ 'padding-top': 0 }}>
          <Show when={failure()}><p class="form-error" role="alert">{failure()!.message}</p></Show>
          <div class="form-actions"><button class="btn" type="submit">Add fault code</button></div>
        </div>
      </form>
      <ListStates data={data} onRetry={refetch} empty="No fault codes">
        {(items) => (
          <table class="data">
            <thead><tr><th>Code</th><th>Description</th><th>Severity</th><th>Skill</th><th>Component</th></tr></thead>
            <tbody><For each={items}>{(c) => (
              <tr><td class="mono"><strong>{c.code}</strong></td><td>{c.description}</td><td><SeverityBadge severity={c.defaultSeverity} /></td>
                <td class="muted">{c.requiredSkill ?? '—'}</td><td class="muted">{c.component ?? '—'}</td></tr>
            )}</For></tbody>
          </table>
        )}
      </ListStates>
    </>
  );
}

function OrderRules() {
  const [data, { refetch }] = useList<OrderRuleView>(() => '/order-rules?limit=500');
  return (
    <ListStates data={data} onRetry={refetch} empty="No order rules" emptyHint="Without rules, alarms open requests but no service orders.">
      {(items) => (
        <table class="data">
          <thead><tr><th>Name</th><th>Fault code</th><th>From severity</th><th>Occurrences</th><th>Order</th><th>Active</th></tr></thead>
          <tbody><For each={items}>{(r) => (
            <tr><td><strong>{r.name}</strong></td><td class="mono">{r.faultCode}{r.isPrefix ? '*' : ''}</td><td><SeverityBadge severity={r.minSeverity} /></td>
              <td>{r.minOccurrences}{r.windowMinutes ? ` in ${r.windowMinutes} min` : ''}</td><td>{humanize(r.orderKind)}{r.priority ? ` · ${r.priority}` : ''}</td>
              <td>{r.isActive ? 'Yes' : 'No'}</td></tr>
          )}</For></tbody>
        </table>
      )}
    </ListStates>
  );
}
