import { createResource, createSignal, For, Index, Show } from 'solid-js';
import { api, type Page } from '../../api/client';
import type { FaultCodeView, FeedbackInput, FeedbackView } from '../../api/types';
import { failureOf, Field, type FormFailure } from '../../components/form';
import { photoDataUrl } from '../../lib/photo';
import { parseCents } from '../../stores/dispatch';
import { allows } from '../../stores/session';

/** per report; the hub takes 20 per order in all */
const MAX_PHOTOS = 5;

interface PartLine { partNumber: string; description: string; quantity: string; price: string }
interface MissingLine { partNumber: string; description: string; quantity: string }

/** What was done at the visit: the work, the confirmed fault, parts, hours and kilometres, what is missing. */
export function FeedbackForm(props: { orderId: string; onDone: (f: FeedbackView) => void }) {
  // The fault-code catalogue offers the codes; the hub checks the code in any case.
  const [codes] = createResource(() => allows('fault-codes.read'),
    async () => (await api<Page<FaultCodeView>>('GET', '/fault-codes?limit=500').catch(() => ({ items: [] }))).items);
  const [workDone, setWorkDone] = createSignal('');
  const [faultCode, setFaultCode] = createSignal('');
  const [component, setComponent] = createSignal('');
  const [condition, setCondition] = createSignal('');
  const [hours, setHours] = createSignal('');
  const [km, setKm] = createSignal('');
  const [parts, setParts] = createSignal<PartLine[]>([]);
  const [missing, setMissing] = createSignal<MissingLine[]>([]);
  const [photos, setPhotos] = createSignal<string[]>([]);
  const [isReading, setReading] = createSignal(false);
  const [fail, setFail] = createSignal<FormFailure | null>(null);
  const [busy, setBusy] = createSignal(false);

  const editPart = (i: number, patch: Partial<PartLine>) => setParts((l) => l.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const editMissing = (i: number, patch: Partial<MissingLine>) => setMissing((l) => l.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  const build = (): FeedbackInput | string => {
    const labourHours = Number(hours().replace(',', '.'));
    if (!hours().trim() || !Number.isFinite(labourHours)) return 'Enter the labour hours.';
    const partsUsed = [];
    for (const [i, p] of parts().entries()) {
      const unitPriceCents = parseCents(p.price);
      if (unitPriceCents === null) return `Part line ${i + 1}: the unit price is not a price.`;
      partsUsed.push({ partNumber: p.partNumber, description: p.description, quantity: Number(p.quantity.replace(',', '.')), unitPriceCents });
    }
    const travelKm = km().trim() ? Number(km().replace(',', '.')) : null;
    return {
      workDone: workDone(), objectCondition: condition(), labour: { hours: labourHours }, partsUsed,
      ...(faultCode().trim() ? { faultCode: faultCode().trim() } : {}),
      ...(component().trim() ? { failedComponent: component().trim() } : {}),
      ...(travelKm !== null ? { travel: { quantity: travelKm } } : {}),
      missingParts: missing().map((m) => ({ partNumber: m.partNumber, description: m.description, quantity: Number(m.quantity) })),
      photos: photos().map((dataUrl) => ({ dataUrl })),
    };
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const body = build();
    if (typeof body === 'string') { setFail({ message: body, fields: {} }); return; }
    setBusy(true);
    setFail(null);
    try {
      props.onDone(await api<FeedbackView>('POST', `/orders/${props.orderId}/feedback`, { body }));
    } catch (err) {
      setFail(failureOf(err));
    } finally {
      setBusy(false);
    }
  };
  const err = (k: string) => fail()?.fields[k];

  const addPhotos = async (files: FileList | null) => {
    if (!files?.length) return;
    setReading(true);
    try {
      for (const file of [...files].slice(0, MAX_PHOTOS - photos().length)) {
        const url = await photoDataUrl(file).catch((e: Error) => { setFail({ message: e.message, fields: {} }); return null; });
        if (url) setPhotos((l) => [...l, url]);
      }
    } finally {
      setReading(false);
    }
  };

  return (
    <form class="tech-form" onSubmit={submit} data-testid="feedback">
      <h2>Work report</h2>
      <Field label="Work done" error={err('workDone')}><textarea rows="3" value={workDone()} onInput={(e) => setWorkDone(e.currentTarget.value)} required /></Field>
      <div class="pair">
        <Field label="Fault code" error={err('faultCode')}>
          <input list={`codes-${props.orderId}`} value={faultCode()} onInput={(e) => setFaultCode(e.currentTarget.value.toUpperCase())} placeholder="e.g. E101" autocapitalize="characters" />
          <datalist id={`codes-${props.orderId}`}><For each={codes() ?? []}>{(c) => <option value={c.code}>{c.description}</option>}</For></datalist>
        </Field>
        <Field label="Failed component" error={err('failedComponent')}><input value={component()} onInput={(e) => setComponent(e.currentTarget.value)} /></Field>
      </div>
      <div class="pair">
        <Field label="Labour (hours)" error={err('labour.hours')}><input inputmode="decimal" value={hours()} onInput={(e) => setHours(e.currentTarget.value)} required /></Field>
        <Field label="Travel (km)" error={err('travel.quantity')}><input inputmode="decimal" value={km()} onInput={(e) => setKm(e.currentTarget.value)} /></Field>
      </div>
      <h3>Parts used</h3>
      <Index each={parts()}>{(p, i) => (
        <div class="part-line" data-testid="part-line">
          <Field label="Part no." error={err(`partsUsed.${i}.partNumber`)}><input value={p().partNumber} onInput={(e) => editPart(i, { partNumber: e.currentTarget.value })} required /></Field>
          <Field label="Description" error={err(`partsUsed.${i}.description`)}><input value={p().description} onInput={(e) => editPart(i, { description: e.currentTarget.value })} required /></Field>
          <Field label="Qty"><input inputmode="decimal" value={p().quantity} onInput={(e) => editPart(i, { quantity: e.currentTarget.value })} required /></Field>
          <Field label="Unit price"><input inputmode="decimal" value={p().price} onInput={(e) => editPart(i, { price: e.currentTarget.value })} required placeholder="0.00" /></Field>
          <button type="button" class="btn ghost" aria-label="Remove part" onClick={() => setParts((l) => l.filter((_, j) => j !== i))}>✕</button>
        </div>
      )}</Index>
      <button type="button" class="btn touch" onClick={() => setParts((l) => [...l, { partNumber: '', description: '', quantity: '1', price: '' }])}>+ Add part</button>
      <Field label="Object condition" error={err('objectCondition')}><textarea rows="2" value={condition()} onInput={(e) => setCondition(e.currentTarget.value)} required /></Field>
      <h3>Missing parts (ordered for a follow-up)</h3>
      <Index each={missing()}>{(m, i) => (
        <div class="part-line" style={{ 'grid-template-columns': '1.1fr 1.6fr .6fr 36px' }}>
          <Field label="Part no."><input value={m().partNumber} onInput={(e) => editMissing(i, { partNumber: e.currentTarget.value })} required /></Field>
          <Field label="Description"><input value={m().description} onInput={(e) => editMissing(i, { description: e.currentTarget.value })} /></Field>
          <Field label="Qty"><input inputmode="numeric" value={m().quantity} onInput={(e) => editMissing(i, { quantity: e.currentTarget.value })} required /></Field>
          <button type="button" class="btn ghost" aria-label="Remove missing part" onClick={() => setMissing((l) => l.filter((_, j) => j !== i))}>✕</button>
        </div>
      )}</Index>
      <button type="button" class="btn touch" onClick={() => setMissing((l) => [...l, { partNumber: '', description: '', quantity: '1' }])}>+ Add missing part</button>
      <h3>Photos</h3>
      <div class="photo-strip" data-testid="photos">
        <For each={photos()}>{(url, i) => (
          <figure class="photo-thumb">
            <img src={url} alt={`Photo ${i() + 1}`} />
            <button type="button" class="btn ghost small" aria-label={`Remove photo ${i() + 1}`} onClick={() => setPhotos((l) => l.filter((_, j) => j !== i()))}>✕</button>
          </figure>
        )}</For>
        <Show when={photos().length < MAX_PHOTOS}>
          <label class="btn touch photo-add">{isReading() ? 'Reading…' : '+ Add photo'}
            <input type="file" accept="image/*" capture="environment" multiple class="visually-hidden" aria-label="Add photo"
              onChange={(e) => { void addPhotos(e.currentTarget.files); e.currentTarget.value = ''; }} />
          </label>
        </Show>
      </div>
      <Show when={fail()}>{(f) => <p class="form-error" role="alert">{f().message}</p>}</Show>
      <button class="btn primary touch" disabled={busy() || isReading()}>Submit work report</button>
    </form>
  );
}
