import { createSignal, onMount, Show } from 'solid-js';
import { api } from '../../api/client';
import type { OrderDetail, SignOffInput } from '../../api/types';
import { failureOf, Field, type FormFailure } from '../../components/form';

/** The customer's sign-off on the spot: their name and a typed or finger-drawn signature (PNG). */
export function SignOffForm(props: { orderId: string; onDone: (o: OrderDetail) => void }) {
  const [name, setName] = createSignal('');
  const [kind, setKind] = createSignal<'drawn' | 'typed'>('drawn');
  const [typed, setTyped] = createSignal('');
  const [hasInk, setHasInk] = createSignal(false);
  const [fail, setFail] = createSignal<FormFailure | null>(null);
  const [busy, setBusy] = createSignal(false);
  let canvas: HTMLCanvasElement | undefined;

  const pad = useSignaturePad(() => canvas, () => setHasInk(true));
  onMount(pad.fit);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (kind() === 'drawn' && !hasInk()) { setFail({ message: 'Ask the customer to sign in the box.', fields: {} }); return; }
    const signature: SignOffInput['signature'] = kind() === 'drawn' ? { kind: 'drawn', dataUrl: canvas!.toDataURL('image/png') } : { kind: 'typed', text: typed() };
    setBusy(true);
    setFail(null);
    try {
      props.onDone(await api<OrderDetail>('POST', `/orders/${props.orderId}/sign-off`, { body: { name: name(), signature, signedAt: new Date().toISOString() } satisfies SignOffInput }));
    } catch (err) {
      setFail(failureOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="tech-form" onSubmit={submit} data-testid="sign-off">
      <h2>Customer sign-off</h2>
      <Field label="Customer name" error={fail()?.fields.name}><input value={name()} onInput={(e) => setName(e.currentTarget.value)} required autocomplete="name" /></Field>
      <div class="seg" style={{ 'grid-template-columns': '1fr 1fr' }} role="group" aria-label="Signature kind">
        <button type="button" class="seg-btn" classList={{ on: kind() === 'drawn' }} style={kind() === 'drawn' ? { background: 'var(--accent)' } : undefined} onClick={() => { setKind('drawn'); queueMicrotask(pad.fit); }}>Draw</button>
        <button type="button" class="seg-btn" classList={{ on: kind() === 'typed' }} style={kind() === 'typed' ? { background: 'var(--accent)' } : undefined} onClick={() => setKind('typed')}>Type</button>
      </div>
      <Show when={kind() === 'drawn'} fallback={
        <Field label="Signature (typed)" error={fail()?.fields['signature.text']}><input value={typed()} onInput={(e) => setTyped(e.currentTarget.value)} required style={{ 'font-family': 'cursive', 'font-size': '20px' }} /></Field>
      }>
        <canvas ref={canvas} class="sig-pad" aria-label="Signature pad: sign with a finger or the mouse" data-testid="signature-pad" />
        <div class="row"><span class="muted small">Sign above</span><button type="button" class="btn small ghost" style={{ 'margin-left': 'auto' }} onClick={() => { pad.clear(); setHasInk(false); }}>Clear</button></div>
      </Show>
      <Show when={fail()}>{(f) => <p class="form-error" role="alert">{f().message}</p>}</Show>
      <button class="btn primary touch" disabled={busy()}>Confirm sign-off</button>
    </form>
  );
}

/** Pointer-event drawing on a canvas sized to its box at the device's pixel ratio. */
function useSignaturePad(get: () => HTMLCanvasElement | undefined, onInk: () => void) {
  let last: { x: number; y: number } | null = null;
  const ctx = () => get()?.getContext('2d') ?? null;
  const at = (e: PointerEvent) => {
    const r = get()!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const fit = () => {
    const c = get();
    if (!c || c.dataset.bound) return;
    c.dataset.bound = '1';
    const ratio = window.devicePixelRatio || 1;
    const r = c.getBoundingClientRect();
    c.width = Math.max(1, Math.round(r.width * ratio));
    c.height = Math.max(1, Math.round(r.height * ratio));
    const g = ctx()!;
    g.scale(ratio, ratio);
    g.lineWidth = 2.2;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.strokeStyle = '#1b1d23';
    c.addEventListener('pointerdown', (e) => { c.setPointerCapture(e.pointerId); last = at(e); });
    c.addEventListener('pointermove', (e) => {
      if (!last) return;
      const p = at(e);
      g.beginPath();
      g.moveTo(last.x, last.y);
      g.lineTo(p.x, p.y);
      g.stroke();
      last = p;
      onInk();
    });
    const stop = () => { last = null; };
    c.addEventListener('pointerup', stop);
    c.addEventListener('pointercancel', stop);
  };
  const clear = () => {
    const c = get();
    if (c) ctx()?.clearRect(0, 0, c.width, c.height);
  };
  return { fit, clear };
}
