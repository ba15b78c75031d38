import { createMemo, createSignal, For, onCleanup, onMount, type JSX } from 'solid-js';

/**
 * A fixed-row-height virtual list: only the rows in view (plus a small margin) are in the DOM,
 * so 10,000 rows scroll like 50. Asks for more when the end comes near.
 */
export function VirtualList<T>(props: {
  items: readonly T[];
  rowHeight: number;
  overscan?: number;
  onNearEnd?: () => void;
  ref?: (el: HTMLDivElement) => void;
  header?: JSX.Element;
  children: (item: T, index: () => number) => JSX.Element;
}) {
  const [scrollTop, setScrollTop] = createSignal(0);
  const [height, setHeight] = createSignal(600);
  let el!: HTMLDivElement;

  onMount(() => {
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    onCleanup(() => ro.disconnect());
  });

  const range = createMemo(() => {
    const over = props.overscan ?? 8;
    const start = Math.max(0, Math.floor(scrollTop() / props.rowHeight) - over);
    const end = Math.min(props.items.length, Math.ceil((scrollTop() + height()) / props.rowHeight) + over);
    return { start, end };
  });
  const visible = createMemo(() => props.items.slice(range().start, range().end));

  const onScroll = () => {
    setScrollTop(el.scrollTop);
    if (props.onNearEnd && el.scrollTop + el.clientHeight > el.scrollHeight - props.rowHeight * 30) props.onNearEnd();
  };

  return (
    <div class="vlist" ref={(e) => { el = e; props.ref?.(e); }} onScroll={onScroll}>
      {props.header}
      <div class="vlist-body" style={{ height: `${props.items.length * props.rowHeight}px` }} role="rowgroup">
        <div style={{ transform: `translateY(${range().start * props.rowHeight}px)` }}>
          <For each={visible()}>{(item, i) => props.children(item, () => range().start + i())}</For>
        </div>
      </div>
    </div>
  );
}
