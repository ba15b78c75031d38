import { fold } from '../knowledge/text.js';

export { fold };

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|[\p{L}\p{N}]+(?:[-./][\p{L}\p{N}]+)*/gu;
/** a lexeme longer than this is cut (tsvector limits a lexeme to 2 KB; nobody types 64 characters) */
const MAX_LEXEME = 64;

/** Character bigrams of a CJK run; a single character stands for itself. */
export function bigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

/**
 * The lexemes of a text: folded words; a compound like "AB-1234/X" also as its parts and joined
 * ("ab1234x"), so a serial is found however it is typed; CJK runs as character bigrams.
 */
export function lexemes(text: string, isQuery = false): string[] {
  const out = new Set<string>();
  for (const m of fold(text).matchAll(RUN)) {
    const run = m[0];
    if (CJK.test(run[0]!)) {
      for (const b of bigrams(run)) out.add(b);
      continue;
    }
    const parts = run.split(/[-./]/);
    // a query's compound is one term (joined): its parts alone ("hp", "0") would match everything
    if (isQuery && parts.length > 1) { out.add(parts.join('').slice(0, MAX_LEXEME)); continue; }
    for (const p of parts) out.add(p.slice(0, MAX_LEXEME));
    if (parts.length > 1) out.add(parts.join('').slice(0, MAX_LEXEME));
  }
  return [...out].filter((w) => w.length > 0);
}

/** Phone numbers as digits; also the national part (last 9 digits), so "030 1234567" finds "+49301234567" by prefix. */
export function phoneLexemes(phone: string | null | undefined): string[] {
  const digits = phoneDigits(phone);
  if (!digits) return [];
  return digits.length > 9 ? [digits, digits.slice(-9), digits.replace(/^0+/, '')] : [digits, digits.replace(/^0+/, '')];
}

export function phoneDigits(phone: string | null | undefined): string {
  return (phone ?? '').replace(/\D/g, '');
}

export type Jump =
  | { kind: 'request-number'; number: number }
  | { kind: 'order-number'; number: number }
  | { kind: 'key'; key: string };

/** What the whole query names exactly, if anything: SR-000123, WO-000045, a serial, a phone number. */
export function parseJump(q: string): Jump[] {
  const t = q.trim();
  const sr = /^SR-?0*(\d{1,9})$/i.exec(t);
  if (sr) return [{ kind: 'request-number', number: Number(sr[1]) }];
  const wo = /^WO-?0*(\d{1,9})$/i.exec(t);
  if (wo) return [{ kind: 'order-number', number: Number(wo[1]) }];
  const out: Jump[] = [];
  if (/^\+?[\d\s\-()/.]{6,}$/.test(t)) {
    const d = phoneDigits(t);
    if (d.length >= 6) out.push({ kind: 'key', key: `tel:${d.replace(/^0+/, '')}` });
  }
  // a serial is one token with at least one digit
  if (/^[\p{L}\p{N}][\p{L}\p{N}\-./_]{2,}$/u.test(t) && /\d/.test(t)) out.push({ kind: 'key', key: serialKey(t) });
  return out;
}

export function serialKey(serial: string): string {
  return `sn:${fold(serial).replace(/[^\p{L}\p{N}]/gu, '')}`;
}

export function phoneKeys(phone: string | null | undefined): string[] {
  const d = phoneDigits(phone);
  if (d.length < 6) return [];
  const keys = new Set([`tel:${d.replace(/^0+/, '')}`]);
  if (d.length > 9) keys.add(`tel:${d.slice(-9)}`);
  return [...keys];
}

/**
 * Words the typo correction knows: folded ASCII letters, 4–32 long. Numbers and serials are
 * matched exactly or by prefix, CJK by bigrams; and pg_trgm under PGlite's C locale does not
 * take non-ASCII letters as word characters.
 */
export function isVocabularyWord(w: string): boolean {
  return /^[a-z]{4,32}$/.test(w);
}

/** Query lexemes (at most 8); each becomes a prefix term, all must match. */
export function queryLexemes(q: string): string[] {
  return lexemes(q, true).filter((w) => w.length >= 2 || CJK.test(w)).slice(0, 8);
}

/** A tsquery text for the lexemes, quoted so the tsquery parser takes each one literally. */
export function toTsQuery(words: string[]): string {
  return words.map((w) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}':*`).join(' & ');
}

export interface Snippet { text: string; highlights: Array<[number, number]> }

/**
 * A window of `text` around the first match, with the ranges (in the snippet's characters) where
 * a query word starts a word, matched on folded text. Ranges, not markup: the console renders
 * them as <mark> around text nodes, so nothing in the text can become HTML.
 */
export function snippet(text: string, words: string[], width = 160): Snippet {
  const ranges = matchRanges(text, words);
  const first = ranges[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(width / 3));
  if (start > 0) { const sp = text.lastIndexOf(' ', start); if (sp > start - 20 && sp >= 0) start = sp + 1; }
  const end = Math.min(text.length, start + width);
  const prefix = start > 0 ? '…' : '';
  const slice = prefix + text.slice(start, end).replace(/\s+/g, ' ') + (end < text.length ? '…' : '');
  // whitespace collapsing shifts offsets: recompute ranges on the collapsed slice by walking it
  const shift = collapseMap(text.slice(start, end));
  const highlights: Array<[number, number]> = [];
  for (const [a, b] of ranges) {
    if (a < start || b > end) continue;
    const s = shift[a - start]! + prefix.length;
    const e = shift[b - start - 1]! + 1 + prefix.length;
    const last = highlights[highlights.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e); else highlights.push([s, e]);
  }
  return { text: slice, highlights };
}

/**
 * Where in `text` a query word starts a word (matched on folded text), as sorted, merged
 * [start, end) ranges of the original characters; a prefix match covers its whole word.
 */
export function matchRanges(text: string, words: string[]): Array<[number, number]> {
  const { folded, map } = foldWithMap(text);
  const ranges: Array<[number, number]> = [];
  for (const w of words) {
    const cjk = CJK.test(w);
    let i = folded.indexOf(w);
    while (i >= 0) {
      const isWordStart = cjk || i === 0 || !/[\p{L}\p{N}]/u.test(folded[i - 1]!);
      // a prefix match marks its whole word: "stör" marks "Störung"
      let end = i + w.length;
      if (!cjk) while (end < folded.length && /[\p{L}\p{N}]/u.test(folded[end]!)) end++;
      if (isWordStart) ranges.push([map[i]!, map[end - 1]! + 1]);
      i = folded.indexOf(w, i + w.length);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of ranges) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b); else merged.push([a, b]);
  }
  return merged;
}

/** fold() per character, keeping for each folded character the index of the original one. */
function foldWithMap(text: string): { folded: string; map: number[] } {
  let folded = '';
  const map: number[] = [];
  let i = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    // ASCII needs no Unicode folding (the common case, and fold() per character is slow)
    const f = code < 0x80 ? (code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : ch) : fold(ch);
    for (let k = 0; k < f.length; k++) map.push(i);
    folded += f;
    i += ch.length;
  }
  return { folded, map };
}

/** index in the original → index after runs of whitespace became one space */
function collapseMap(s: string): number[] {
  const out: number[] = [];
  let j = -1;
  let wasSpace = false;
  for (let i = 0; i < s.length; i++) {
    const isSpace = /\s/.test(s[i]!);
    if (!(isSpace && wasSpace)) j++;
    out.push(j);
    wasSpace = isSpace;
  }
  return out;
}
