import { describe, expect, it } from 'vitest';
import { fold, plainAnswer, queryTerms, renderMarkdown } from './text.js';

describe('knowledge text', () => {
  it.each([
    ['Störung', 'storung'], ['STRASSE Straße', 'strasse strasse'], ['Błąd łożyska', 'blad lozyska'],
    ['hőmérséklet érzékelő', 'homerseklet erzekelo'], ['Žárovka', 'zarovka'], ['压缩机 过热', '压缩机 过热'], ['ＡＢＣ①', 'abc1'],
  ])('folds %s to %s', (input, folded) => expect(fold(input)).toBe(folded));

  it('splits a query into distinct folded words, keeping codes with dashes and single CJK characters', () => {
    expect(queryTerms('Kältemaschine E-101, kältemaschine a')).toEqual(['kaltemaschine', 'e-101']);
    expect(queryTerms('泵 漏水')).toEqual(['泵', '漏水']);
  });

  it('renders Markdown without raw HTML, handlers or script links', () => {
    const html = renderMarkdown('# T\n\n<img src=x onerror=alert(1)> <iframe src="https://evil"></iframe>\n\n[a](javascript:alert(1)) [b](https://ok.example)\n\n| x | y |\n|---|---|\n| 1 | 2 |');
    expect(html).toContain('<h1>T</h1>');
    expect(html).not.toMatch(/onerror|iframe|javascript:/);
    expect(html).toContain('<a href="https://ok.example" rel="noopener noreferrer" target="_blank">b</a>');
    expect(html).toContain('<td>1</td>');
  });

  it('gives the answer as plain text for a reply', () => {
    expect(plainAnswer('## Solution\n\nReset **F12** & restart.\n\n- filter\n- fan')).toBe('Solution\n\nReset F12 & restart.\n\nfilter\nfan');
  });
});
