import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

// Letters that NFKD does not split into a base letter and a combining mark.
const EXTRA: Record<string, string> = { ß: 'ss', ł: 'l', Ł: 'l', ø: 'o', Ø: 'o', đ: 'd', Đ: 'd', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe' };

/**
 * Lower case without diacritics, so "Störung", "storung" and "STÖRUNG" match, as do Polish
 * "błąd"/"blad" and Hungarian "hőmérséklet"/"homerseklet". CJK text passes through unchanged
 * and is matched as a substring (no word splitting needed).
 */
export function fold(text: string): string {
  return text.replace(/[ßłŁøØđĐæÆœŒ]/g, (c) => EXTRA[c]!).normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** Query words, folded; a word of fewer than 2 characters says too little to filter by (CJK: 1 is enough). */
export function queryTerms(q: string, max = 8): string[] {
  const words = fold(q).split(/[^\p{L}\p{N}-]+/u).filter((w) => w.length >= 2 || /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}/u.test(w));
  return [...new Set(words)].slice(0, max);
}

// Frequent English and German words that would match almost every article.
const STOP = new Set(['with', 'from', 'that', 'this', 'have', 'when', 'does', 'after', 'there', 'what', 'which', 'your', 'about', 'please',
  'eine', 'einen', 'einem', 'einer', 'nicht', 'wird', 'auch', 'noch', 'beim', 'bitte', 'dass', 'wenn', 'unsere', 'unser', 'haben', 'seit']);

/** Words of free text (what a customer types) worth matching on: 4+ letters, no stop words; CJK kept. */
export function suggestionTerms(text: string): string[] {
  return queryTerms(text.slice(0, 2000), 40).filter((w) => (w.length >= 4 && !STOP.has(w)) || /\p{Script=Han}/u.test(w)).slice(0, 12);
}

/** What an article is matched on: title, body, tags and fault codes, folded. */
export function articleSearchText(a: { title: string; body: string; tags: string[]; faultCodes: string[] }): string {
  return fold([a.title, a.tags.join(' '), a.faultCodes.join(' '), a.body].join('\n'));
}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'del', 'code', 'pre', 'blockquote',
    'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'img'],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], img: ['src', 'alt', 'title'], th: ['align'], td: ['align'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer', target: '_blank' }) },
};

/** Markdown to HTML that is safe to put in a page: raw HTML, scripts, handlers and javascript: links are removed. */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: false });
  return sanitizeHtml(html, SANITIZE);
}

/** The answer part of an article as plain text, for pasting into an email reply. */
export function plainAnswer(markdown: string): string {
  const html = renderMarkdown(markdown).replace(/>\n/g, '>')
    .replace(/<\/(p|h\d|pre|blockquote|table)>/g, '\n\n').replace(/<\/(li|tr|ul|ol)>/g, '\n').replace(/<br\s*\/?>/g, '\n');
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/\n{3,}/g, '\n\n').trim();
}
