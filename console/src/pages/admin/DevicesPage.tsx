import { createSignal, For, Show } from 'solid-js';
import { api, messageOf } from '../../api/client';
import type { DeviceCredentials, DeviceView } from '../../api/types';
import { ListStates, useList } from '../../components/AsyncList';
import { Field, failureOf, type FormFailure } from '../../components/form';
import { toast } from '../../components/toasts';
import { dateTime } from '../../lib/time';

/** MQTT devices: create one for an asset (token shown once), rotate its token, revoke it. */
export default function DevicesPage() {
  const [devices, { refetch }] = useList<DeviceView>(() => '/devices?limit=500');
  const [secret, setSecret] = createSignal<DeviceCredentials | null>(null);
  const [assetId, setAssetId] = createSignal('');
  const [name, setName] = createSignal('');
  const [failure, setFailure] = createSignal<FormFailure | null>(null);

  const create = async (e: SubmitEvent) => {
    e.preventDefault();
    setFailure(null);
    try {
      setSecret(await api<DeviceCredentials>('POST', '/devices', { body: { assetId: assetId().trim(), name: name() || undefined } }));
      setAssetId(''); setName('');
      void refetch();
    } catch (err) {
      setFailure(failureOf(err));
    }
  };
  const rotate = async (d: DeviceView) => {
    if (!confirm('Rotate the token? The device must be given the new one; the old one stops working now.')) return;
    try {
      setSecret(await api<DeviceCredentials>('POST', `/devices/${d.id}/rotate`));
      void refetch();
    } catch (err) { toast(messageOf(err), 'error'); }
  };
  const revoke = async (d: DeviceView) => {
    if (!confirm('Revoke this device? It can no longer connect.')) return;
    try {
      await api('DELETE', `/devices/${d.id}`);
      toast('Device revoked');
      void refetch();
    } catch (err) { toast(messageOf(err), 'error'); }
  };

  return (
    <div class="page">
      <div class="content">
        <div><h1>Devices</h1><p class="sub">Equipment that reports alarms over MQTT. Username: the device id; password: its token.</p></div>
        <Show when={secret()}>{(s) => (
          <div class="secret" role="status" data-testid="device-secret">
            <div style={{ flex: 1 }}>
              <strong>Copy the token now: it is shown only once.</strong>
              <div class="small">Device id <code>{s().deviceId}</code></div>
              <div class="row"><code>{s().token}</code></div>
            </div>
            <button class="btn" onClick={() => void navigator.clipboard?.writeText(s().token).then(() => toast('Token copied'))}>Copy token</button>
            <button class="btn ghost" onClick={() => setSecret(null)}>Done</button>
          </div>
        )}</Show>
        <form class="panel" onSubmit={create} aria-label="New device">
          <div class="panel-body form-grid">
            <Field label="Asset id" error={failure()?.fields.assetId}><input required value={assetId()} onInput={(e) => setAssetId(e.currentTarget.value)} placeholder="the asset's UUID" /></Field>
            <Field label="Name (optional)"><input value={name()} onInput={(e) => setName(e.currentTarget.value)} /></Field>
          </div>
          <div class="panel-body" style={{ 'padding-top': 0 }}>
            <Show when={failure()}><p class="form-error" role="alert">{failure()!.message}</p></Show>
            <div class="form-actions"><button class="btn primary" type="submit">Create device</button></div>
          </div>
        </form>
        <ListStates data={devices} onRetry={refetch} empty="No devices" emptyHint="Create one for an asset that should report its alarms.">
          {(items) => (
            <table class="data">
              <thead><tr><th>Name</th><th>Device id</th><th>Online</th><th>Last seen</th><th>Token rotated</th><th /></tr></thead>
              <tbody><For each={items}>{(d) => (
                <tr>
                  <td><strong>{d.name ?? 'Unnamed'}</strong></td><td class="mono muted">{d.id}</td>
                  <td>{d.revokedAt ? <span class="status status-escalated">Revoked</span> : d.isOnline ? <span class="status status-resolved">Online</span> : <span class="status">Offline</span>}</td>
                  <td class="muted">{d.lastSeenAt ? dateTime(d.lastSeenAt) : 'never'}</td>
                  <td class="muted">{d.rotatedAt ? dateTime(d.rotatedAt) : '—'}</td>
                  <td class="row"><Show when={!d.revokedAt}>
                    <button class="btn small" onClick={() => void rotate(d)}>Rotate token</button>
                    <button class="btn small danger" onClick={() => void revoke(d)}>Revoke</button>
                  </Show></td>
                </tr>
              )}</For></tbody>
            </table>
          )}
        </ListStates>
      </div>
    </div>
  );
}
