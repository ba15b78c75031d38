import { createSignal, For } from 'solid-js';
import type { BusinessCalendar } from '../../api/types';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Business hours of a team: weekdays, open and close, holidays, and the time zone they are in. */
export function CalendarEditor(props: { value: BusinessCalendar; onChange: (c: BusinessCalendar) => void; errors: Record<string, string> }) {
  const [holiday, setHoliday] = createSignal('');
  const set = (patch: Partial<BusinessCalendar>) => props.onChange({ ...props.value, ...patch });
  const toggle = (d: number) => {
    const has = props.value.weekdays.includes(d);
    set({ weekdays: has ? props.value.weekdays.filter((x) => x !== d) : [...props.value.weekdays, d].sort() });
  };
  const err = (k: string) => props.errors[`calendar.${k}`];
  return (
    <fieldset class="panel" style={{ padding: '12px', margin: 0 }}>
      <legend class="small muted">Business hours</legend>
      <div class="form-grid">
        <label>Time zone
          <input value={props.value.timeZone} onInput={(e) => set({ timeZone: e.currentTarget.value })} placeholder="Europe/Berlin" />
          <span class="field-error">{err('timeZone')}</span>
        </label>
        <label>Opens<input type="time" value={props.value.open} onInput={(e) => set({ open: e.currentTarget.value })} /></label>
        <label>Closes<input type="time" value={props.value.close} onInput={(e) => set({ close: e.currentTarget.value })} />
          <span class="field-error">{err('close')}</span></label>
      </div>
      <div style={{ 'margin-top': '10px' }}>
        <span class="small muted">Working days</span>
        <div class="weekdays" role="group" aria-label="Working days">
          <For each={DAYS}>{(d, i) => (
            <label><input type="checkbox" checked={props.value.weekdays.includes(i() + 1)} onChange={() => toggle(i() + 1)} />{d}</label>
          )}</For>
        </div>
        <span class="field-error">{err('weekdays')}</span>
      </div>
      <div style={{ 'margin-top': '10px' }}>
        <span class="small muted">Holidays</span>
        <div class="row" style={{ 'flex-wrap': 'wrap' }}>
          <For each={props.value.holidays}>{(h) => (
            <span class="pill">{h} <button type="button" class="btn ghost small" aria-label={`Remove ${h}`} onClick={() => set({ holidays: props.value.holidays.filter((x) => x !== h) })}>×</button></span>
          )}</For>
          <input type="date" aria-label="Holiday" value={holiday()} onInput={(e) => setHoliday(e.currentTarget.value)} />
          <button type="button" class="btn small" disabled={!holiday()} onClick={() => {
            if (!props.value.holidays.includes(holiday())) set({ holidays: [...props.value.holidays, holiday()].sort() });
            setHoliday('');
          }}>Add holiday</button>
        </div>
      </div>
    </fieldset>
  );
}
