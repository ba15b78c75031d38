import { For } from 'solid-js';

/** Text with [start, end) ranges marked: plain text nodes and <mark>, so nothing in it can become HTML. */
export function Highlighted(props: { text: string; ranges: Array<[number, number]> }) {
  const parts = () => {
    const out: Array<{ text: string; isMark: boolean }> = [];
    let at = 0;
    for (const [a, b] of props.ranges) {
      if (a > at) out.push({ text: props.text.slice(at, a), isMark: false });
      out.push({ text: props.text.slice(Math.max(a, at), b), isMark: true });
      at = Math.max(at, b);
    }
    if (at < props.text.length) out.push({ text: props.text.slice(at), isMark: false });
    return out;
  };
  return <For each={parts()}>{(p) => (p.isMark ? <mark>{p.text}</mark> : <>{p.text}</>)}</For>;
}
