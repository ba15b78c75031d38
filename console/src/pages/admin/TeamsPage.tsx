import { createSignal, For, Show } from 'solid-js';
import { CHANNELS, REQUEST_TYPES } from '../../../../hub/contracts/model.js';
import { api } from '../../api/client';
import type { BusinessCalendar, RoutingRuleView, TeamView } from '../../api/types';
import { ListStates, useList } from '../../components/AsyncList';
import { Field, failureOf, type FormFailure } from '../../components/form';
import { toast } from '../../components/toasts';
import { loadDirectory } from '../../stores/directory';
import { humanize } from '../../stores/request-reducer';
import { CalendarEditor } from './CalendarEditor';

const DEFAULT_CALENDAR: BusinessCalendar = { timeZone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5], open: '08:00', close: '17:00', holidays: [] };
const DAY = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export default function TeamsPage() {
  const [teams, { refetch }] = useList<TeamView>(() => '/teams?limit=500');
  const [rules, rulesApi] = useList<RoutingRuleView>(() => '/routing-rules?limit=500');
  const [editing, setEditing] = createSignal<TeamView | 'new' | null>(null);
  const name = (id: string) => teams().latest?.items.find((t) => t.id === id)?.name ?? '—';

  return (
    <div class="page">
      <div class="content">
        <div class="content-head">
          <div><h1>Teams</h1><p class="sub">Each team has a queue, business hours for its SLA clocks, and routing rules that fill its queue.</p></div>
          <button class="btn primary" onClick={() => setEditing('new')}>New team</button>
        </div>
        <Show when={editing()} keyed>{(t) => (
          <TeamForm team={t === 'new' ? null : t} onDone={() => { setEditing(null); void refetch(); void loadDirectory(); }} />
        )}</Show>
        <ListStates data={teams} onRetry={refetch} empty="No teams yet" emptyHint="Create a team to give requests a queue.">
          {(items) => (
            <table class="data" data-testid="teams">
              <thead><tr><th>Name</th><th>Region</th><th>Hours</th><th>Time zone</th><th>Holidays</th><th /></tr></thead>
              <tbody><For each={items}>{(t) => (
                <tr>
                  <td><strong>{t.name}</strong><Show when={t.isDefault}> <span class="tag">default</span></Show></td>
                  <td>{t.region ?? <span class="muted">—</span>}</td>
                  <td>{t.calendar.weekdays.map((d) => DAY[d]).join(' ')} · {t.calendar.open}–{t.calendar.close}</td>
                  <td class="muted">{t.calendar.timeZone}</td>
                  <td class="muted">{t.calendar.holidays.length || '—'}</td>
                  <td><button class="btn small ghost" onClick={() => setEditing(t)}>Edit</button></td>
                </tr>
              )}</For></tbody>
            </table>
          )}
        </ListStates>
        <div class="content-head"><div><h1 style={{ 'font-size': '15px' }}>Routing rules</h1><p class="sub">Checked in order of position; the first rule that matches picks the team.</p></div></div>
        <RuleForm teams={teams().latest?.items ?? []} onDone={() => void rulesApi.refetch()} />
        <ListStates data={rules} onRetry={rulesApi.refetch} empty="No routing rules" emptyHint="Without rules, requests go to the default team.">
          {(items) => (
            <table class="data">
              <thead><tr><th>Position</th><th>Channel</th><th>Type</th><th>Fault code prefix</th><th>Region</th><th>Team</th></tr></thead>
              <tbody><For each={[...items].sort((a, b) => a.position - b.position)}>{(r) => (
                <tr><td class="mono">{r.position}</td><td>{r.channel ?? 'any'}</td><td>{r.type ?? 'any'}</td>
                  <td class="mono">{r.faultCodePrefix ?? 'any'}</td><td>{r.region ?? 'any'}</td><td><strong>{name(r.teamId)}</strong></td></tr>
              )}</For></tbody>
            </table>
          )}
        </ListStates>
      </div>
    </div>
  );
}

function TeamForm(props: { team: TeamView | null; onDone: () => void }) {
  const [name, setName] = createSignal(props.team?.name ?? '');
  const [region, setRegion] = createSignal(props.team?.region ?? '');
  const [calendar, setCalendar] = createSignal<BusinessCalendar>(props.team?.calendar ?? DEFAULT_CALENDAR);
  const [failure, setFailure] = createSignal<FormFailure | null>(null);
  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    setFailure(null);
    const body = { name: name(), region: region() || null, calendar: calendar() };
    try {
      if (props.team) await api('PATCH', `/teams/${props.team.id}`, { body: { ...body, version: props.team.version } });
      else await api('POST', '/teams', { body });
      toast(props.team ? 'Team saved' : 'Team created');
      props.onDone();
    } catch (err) {
      setFailure(failureOf(err));
    }
  };
  return (
    <form class="panel" onSubmit={save} aria-label="Team">
      <div class="panel-head"><strong>{props.team ? `Edit ${props.team.name}` : 'New team'}</strong></div>
      <div class="panel-body" style={{ display: 'flex', 'flex-direction': 'column', gap: '12px' }}>
        <div class="form-grid">
          <Field label="Name" error={failure()?.fields.name}><input value={name()} onInput={(e) => setName(e.currentTarget.value)} required /></Field>
          <Field label="Region" error={failure()?.fields.region}><input value={region()} onInput={(e) => setRegion(e.currentTarget.value)} placeholder="e.g. DE-South" /></Field>
        </div>
        <CalendarEditor value={calendar()} onChange={setCalendar} errors={failure()?.fields ?? {}} />
        <Show when={failure()}><p class="form-error" role="alert">{failure()!.message}</p></Show>
        <div class="form-actions">
          <button type="button" class="btn ghost" onClick={props.onDone}>Cancel</button>
          <button type="submit" class="btn primary">{props.team ? 'Save' : 'Create team'}</button>
        </div>
      </div>
    </form>
  );
}

function RuleForm(props: { teams: TeamView[]; onDone: () => void }) {
  const [f, setF] = createSignal({ teamId: '', position: '100', channel: '', type: '', faultCodePrefix: '', region: '' });
  const [failure, setFailure] = createSignal<FormFailure | null>(null);
  const upd = (k: keyof ReturnType<typeof f>, v: string) => setF({ ...f(), [k]: v });
  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    setFailure(null);
    const v = f();
    try {
      await api('POST', '/routing-rules', { body: {
        teamId: v.teamId, position: Number(v.position), channel: v.channel || null, type: v.type || null,
        faultCodePrefix: v.faultCodePrefix || null, region: v.region || null,
      } });
      toast('Routing rule added');
      props.onDone();
    } catch (err) {
      setFailure(failureOf(err));
    }
  };
  return (
    <form class="panel" onSubmit={save} aria-label="Routing rule">
      <div class="panel-body form-grid">
        <Field label="Team" error={failure()?.fields.teamId}>
          <select value={f().teamId} onChange={(e) => upd('teamId', e.currentTarget.value)} required>
            <option value="">Choose…</option><For each={props.teams}>{(t) => <option value={t.id}>{t.name}</option>}</For>
          </select>
        </Field>
        <Field label="Position" error={failure()?.fields.position}><input type="number" value={f().position} onInput={(e) => upd('position', e.currentTarget.value)} /></Field>
        <Field label="Channel"><select value={f().channel} onChange={(e) => upd('channel', e.currentTarget.value)}>
          <option value="">Any</option><For each={CHANNELS}>{(c) => <option value={c}>{humanize(c)}</option>}</For></select></Field>
        <Field label="Type"><select value={f().type} onChange={(e) => upd('type', e.currentTarget.value)}>
          <option value="">Any</option><For each={REQUEST_TYPES}>{(c) => <option value={c}>{humanize(c)}</option>}</For></select></Field>
        <Field label="Fault code prefix"><input value={f().faultCodePrefix} onInput={(e) => upd('faultCodePrefix', e.currentTarget.value)} placeholder="E1" /></Field>
        <Field label="Region"><input value={f().region} onInput={(e) => upd('region', e.currentTarget.value)} /></Field>
      </div>
      <div class="panel-body" style={{ 'padding-top': 0 }}>
        <Show when={failure()}><p class="form-error" role="alert">{failure()!.message}</p></Show>
        <div class="form-actions"><button class="btn" type="submit">Add rule</button></div>
      </div>
    </form>
  );
}
