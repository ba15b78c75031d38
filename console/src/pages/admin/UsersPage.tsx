import { createSignal, For, Show } from 'solid-js';
import { ROLES } from '../../../../hub/contracts/model.js';
import { api } from '../../api/client';
import type { Role, UserView } from '../../api/types';
import { ListStates, useList } from '../../components/AsyncList';
import { Field, failureOf, type FormFailure } from '../../components/form';
import { toast } from '../../components/toasts';
import { dateTime } from '../../lib/time';
import { loadDirectory, teamName, teams } from '../../stores/directory';
import { humanize } from '../../stores/request-reducer';
import { allows } from '../../stores/session';

export default function UsersPage() {
  const [users, { refetch }] = useList<UserView>(() => '/users?limit=500');
  const [isCreating, setCreating] = createSignal(false);
  const toggleActive = async (u: UserView) => {
    try {
      await api('PATCH', `/users/${u.id}`, { body: { isActive: !u.isActive, version: u.version } });
      toast(u.isActive ? `${u.name} deactivated` : `${u.name} activated`);
      void refetch();
    } catch (err) {
      toast(failureOf(err).message, 'error');
    }
  };
  return (
    <div class="page">
      <div class="content">
        <div class="content-head">
          <div><h1>Users</h1><p class="sub">People who sign in: their role decides what they may do; their teams decide which queues they work.</p></div>
          <Show when={allows('users.write')}><button class="btn primary" onClick={() => setCreating(true)}>New user</button></Show>
        </div>
        <Show when={isCreating()}><UserForm onDone={() => { setCreating(false); void refetch(); void loadDirectory(); }} /></Show>
        <ListStates data={users} onRetry={refetch} empty="No users">
          {(items) => (
            <table class="data">
              <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Teams</th><th>Last sign-in</th><th>State</th><th /></tr></thead>
              <tbody><For each={[...items].sort((a, b) => a.name.localeCompare(b.name))}>{(u) => (
                <tr>
                  <td><strong>{u.name}</strong></td><td class="muted">{u.email}</td><td>{humanize(u.role)}</td>
                  <td>{u.teamIds.map(teamName).join(', ') || <span class="muted">—</span>}</td>
                  <td class="muted">{u.lastLoginAt ? dateTime(u.lastLoginAt) : 'never'}</td>
                  <td>{u.isActive ? <span class="status status-resolved">Active</span> : <span class="status">Inactive</span>}</td>
                  <td><Show when={allows('users.write')}><button class="btn small ghost" onClick={() => void toggleActive(u)}>{u.isActive ? 'Deactivate' : 'Activate'}</button></Show></td>
                </tr>
              )}</For></tbody>
            </table>
          )}
        </ListStates>
      </div>
    </div>
  );
}

function UserForm(props: { onDone: () => void }) {
  const [f, setF] = createSignal({ name: '', email: '', role: 'agent' as Role, password: '', teamIds: [] as string[] });
  const [failure, setFailure] = createSignal<FormFailure | null>(null);
  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    try {
      await api('POST', '/users', { body: { ...f(), password: f().password || undefined } });
      toast('User created');
      props.onDone();
    } catch (err) {
      setFailure(failureOf(err));
    }
  };
  return (
    <form class="panel" onSubmit={save} aria-label="New user">
      <div class="panel-body form-grid">
        <Field label="Name" error={failure()?.fields.name}><input required value={f().name} onInput={(e) => setF({ ...f(), name: e.currentTarget.value })} /></Field>
        <Field label="Email" error={failure()?.fields.email}><input type="email" required value={f().email} onInput={(e) => setF({ ...f(), email: e.currentTarget.value })} /></Field>
        <Field label="Role" error={failure()?.fields.role}>
          <select value={f().role} onChange={(e) => setF({ ...f(), role: ROLES.find((r) => r === e.currentTarget.value) ?? 'agent' })}>
            <For each={ROLES.filter((r) => r !== 'customer')}>{(r) => <option value={r}>{humanize(r)}</option>}</For>
          </select>
        </Field>
        <Field label="Password (12+ characters)" error={failure()?.fields.password}><input type="password" autocomplete="new-password" value={f().password} onInput={(e) => setF({ ...f(), password: e.currentTarget.value })} /></Field>
        <Field label="Teams" wide>
          <div class="weekdays" style={{ 'flex-wrap': 'wrap' }}>
            <For each={teams()}>{(t) => (
              <label><input type="checkbox" checked={f().teamIds.includes(t.id)}
                onChange={(e) => setF({ ...f(), teamIds: e.currentTarget.checked ? [...f().teamIds, t.id] : f().teamIds.filter((x) => x !== t.id) })} />{t.name}</label>
            )}</For>
          </div>
        </Field>
      </div>
      <div class="panel-body" style={{ 'padding-top': 0 }}>
        <Show when={failure()}><p class="form-error" role="alert">{failure()!.message}</p></Show>
        <div class="form-actions"><button type="button" class="btn ghost" onClick={props.onDone}>Cancel</button><button class="btn primary" type="submit">Create user</button></div>
      </div>
    </form>
  );
}
