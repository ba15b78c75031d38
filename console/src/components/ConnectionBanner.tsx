import { Show } from 'solid-js';
import type { ConnectionState } from '../realtime/client';
import { clockTime } from '../lib/time';

/** Never silently stale: while the live stream is down, every screen says since when. */
export function ConnectionBanner(props: { state: ConnectionState }) {
  return (
    <Show when={props.state.status === 'reconnecting'}>
      <div class="banner banner-warn" role="status" data-testid="stale-banner">
        <span class="spinner small" />
        Reconnecting… the data on screen is stale since {clockTime(props.state.staleSince ?? new Date())}.
      </div>
    </Show>
  );
}

export function LiveDot(props: { state: ConnectionState }) {
  const label = () => ({ live: 'Live', connecting: 'Connecting', reconnecting: 'Reconnecting' })[props.state.status];
  return <span class={`live live-${props.state.status}`} title={`Realtime: ${label()}`}><i />{label()}</span>;
}
