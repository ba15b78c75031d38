import { createSignal } from 'solid-js';

// One ticking clock for every age and countdown on screen (one timer, not one per row).
const [now, setNow] = createSignal(Date.now());
let timer: ReturnType<typeof setInterval> | undefined;

export function startClock() {
  timer ??= setInterval(() => setNow(Date.now()), 15_000);
}

export { now };
