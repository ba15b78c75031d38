import { describe, expect, it } from 'vitest';
import { correctedQuery } from './queries.js';
import { bigrams, isVocabularyWord, lexemes, matchRanges, parseJump, phoneKeys, queryLexemes, serialKey, snippet, toTsQuery } from './text.js';

describe('lexemes', () => {
  it.each([
    ['Störung am Gerät', ['storung', 'am', 'gerat']],
    ['Błąd czujnika ŁÓDŹ', ['blad', 'czujnika', 'lodz']],
    ['hőmérséklet érzékelő', ['homerseklet', 'erzekelo']],
    ['Straße', ['strasse']],
    ['SN AB-1234/X', ['sn', 'ab', '1234', 'x', 'ab1234x']],
  ])('folds %s', (text, expected) => {
    expect(lexemes(text)).toEqual(expected);
  });

  it('indexes Chinese as character bigrams, mixed with latin words', () => {
    expect(lexemes('压缩机过热 F12')).toEqual(['压缩', '缩机', '机过', '过热', 'f12']);
    expect(bigrams('热')).toEqual(['热']);
  });
});

describe('queryLexemes', () => {
  it('drops one-letter latin words but keeps a single CJK character', () => {
    expect(queryLexemes('a Pumpe 热')).toEqual(['pumpe', '热']);
  });
  it('keeps a compound (serial) as one joined term', () => {
    expect(queryLexemes('HP-2020-00')).toEqual(['hp202000']);
  });
  it('keeps at most eight words', () => {
    expect(queryLexemes('a1 b2 c3 d4 e5 f6 g7 h8 i9 j10')).toHaveLength(8);
  });
  it('quotes every word as a prefix term', () => {
    expect(toTsQuery(['blad', '压缩'])).toBe("'blad':* & '压缩':*");
  });
});

describe('parseJump', () => {
  it.each([
    ['SR-000123', [{ kind: 'request-number', number: 123 }]],
    ['sr123', [{ kind: 'request-number', number: 123 }]],
    ['WO-000045', [{ kind: 'order-number', number: 45 }]],
    ['+49 30 1234-567', [{ kind: 'key', key: 'tel:49301234567' }]],
    ['HP-2024-00017', [{ kind: 'key', key: 'sn:hp202400017' }]],
    ['Heizung', []],
    ['Pumpe 12', []],
  ])('reads %s', (q, expected) => {
    expect(parseJump(q)).toEqual(expected);
  });

  it('gives a phone number the same key as the stored number, by its national part too', () => {
    expect(phoneKeys('+48301234567')).toEqual(['tel:48301234567', 'tel:301234567']);
    expect(parseJump('301 234 567')[0]).toEqual({ kind: 'key', key: 'tel:301234567' });
    expect(serialKey('hp-2024-00017')).toBe(serialKey('HP2024 00017'.replace(' ', '')));
  });
});

describe('snippet', () => {
  it('marks matches in the original spelling, found on folded text', () => {
    const s = snippet('Die Störung tritt nach dem Neustart wieder auf', ['storung']);
    expect(s.text.slice(s.highlights[0]![0], s.highlights[0]![1])).toBe('Störung');
  });
  it('marks only word starts, and CJK anywhere', () => {
    const s = snippet('Pumpe und Umpumpen; 压缩机过热', ['pump', '过热']);
    expect(s.highlights.map(([a, b]) => s.text.slice(a, b))).toEqual(['Pumpe', '过热']);
  });
  it('cuts a window around the first match in a long text, with ellipses', () => {
    const text = `${'lorem ipsum '.repeat(50)}Kältemittel fehlt ${'dolor sit '.repeat(50)}`;
    const s = snippet(text, ['kaltemittel']);
    expect(s.text.startsWith('…')).toBe(true);
    expect(s.text.endsWith('…')).toBe(true);
    expect(s.text.slice(s.highlights[0]![0], s.highlights[0]![1])).toBe('Kältemittel');
  });
  it('keeps markup as text: the ranges are the only highlighting', () => {
    const s = snippet('<script>alert(1)</script> Fehler', ['fehler']);
    expect(s.text).toContain('<script>');
    expect(s.text.slice(s.highlights[0]![0], s.highlights[0]![1])).toBe('Fehler');
  });
});

describe('matchRanges', () => {
  it('marks whole words anywhere in a long title, in the original characters', () => {
    const title = 'SR-000123 Kompressor der Außeneinheit fällt aus, Störung seit gestern';
    const marked = matchRanges(title, ['stor', 'aussen']).map(([a, b]) => title.slice(a, b));
    expect(marked).toEqual(['Außeneinheit', 'Störung']);
  });
  it('merges overlapping CJK bigram matches', () => {
    expect(matchRanges('压缩机过热', ['压缩', '缩机'])).toEqual([[0, 3]]);
  });
});

describe('typo correction helpers', () => {
  it('knows only folded ASCII words of 4-32 letters', () => {
    expect(['heizung', 'kompressor'].every(isVocabularyWord)).toBe(true);
    expect(['aus', 'ab1234x', '1234', '压缩机', 'x'.repeat(33), 'störung'].some(isVocabularyWord)).toBe(false);
  });
  it('rewrites the query as typed, word by word, keeping capitals and punctuation', () => {
    const fixes = new Map([['heizng', 'heizung'], ['kompresor', 'kompressor']]);
    expect(correctedQuery('Heizng  fällt aus (kompresor)', fixes)).toBe('Heizung  fällt aus (kompressor)');
    expect(correctedQuery('heizng', fixes)).toBe('heizung');
    expect(correctedQuery('AB-12 heizng', fixes)).toBe('AB-12 heizung');
  });
});
