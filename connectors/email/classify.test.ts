import { describe, expect, it } from 'vitest';
import { classifyNoise, extractSrNumber, serialCandidates } from './classify.js';

describe('classifyNoise', () => {
  it.each([
    [{}, 'kunde@example.de', 'text/plain', null],
    [{ 'auto-submitted': 'no' }, 'kunde@example.de', 'text/plain', null],
    [{ 'auto-submitted': 'auto-replied' }, 'kunde@example.de', 'text/plain', 'auto_submitted'],
    [{ 'auto-submitted': 'Auto-Generated' }, 'kunde@example.de', 'text/plain', 'auto_submitted'],
    [{ precedence: 'bulk' }, 'news@example.de', 'text/plain', 'precedence'],
    [{ precedence: 'list' }, 'news@example.de', 'text/plain', 'precedence'],
    [{ precedence: 'first-class' }, 'kunde@example.de', 'text/plain', null],
    [{ 'x-auto-response-suppress': 'All' }, 'kunde@example.de', 'text/plain', 'auto_response_suppress'],
    [{ 'list-id': '<news.example.de>' }, 'news@example.de', 'text/plain', 'list'],
    [{}, 'MAILER-DAEMON@mx.example.de', 'text/plain', 'bounce'],
    [{}, 'postmaster@example.pl', 'text/plain', 'bounce'],
    [{}, 'mx@example.de', 'multipart/report; report-type=delivery-status; boundary="x"', 'bounce'],
  ] as const)('%j from %s (%s) → %s', (h, from, ct, expected) => {
    expect(classifyNoise({ ...h }, from, ct)).toBe(expected);
  });
});

describe('extractSrNumber', () => {
  it.each([
    ['Re: [SR-000123] Heizung', 123],
    ['AW: AW: [sr-004711] Störung', 4711],
    ['Odp: SR-000042 awaria', 42],
    ['Heizung defekt', null],
    ['Rechnung 2024-000123', null],
  ])('%s → %s', (subject, n) => expect(extractSrNumber(subject)).toBe(n));
});

describe('serialCandidates', () => {
  it('puts labelled serial numbers first, in the languages our users write', () => {
    expect(serialCandidates('Störung', 'Seriennummer: HP-7731-A, Baujahr 2021')[0]).toBe('HP-7731-A');
    expect(serialCandidates('Awaria', 'Numer seryjny: pl-2020-55')[0]).toBe('PL-2020-55');
    expect(serialCandidates('Hiba', 'Sorozatszám: HU99X1')[0]).toBe('HU99X1');
    expect(serialCandidates('故障', '序列号：CN-8812-Z 出现错误')[0]).toBe('CN-8812-Z');
  });
  it('offers code-like tokens but not the SR tag or plain words', () => {
    const c = serialCandidates('[SR-000123] Re: Gerät', 'Das Gerät WP12-3456 läuft nicht. Danke');
    expect(c).toContain('WP12-3456');
    expect(c).not.toContain('SR-000123');
    expect(c).not.toContain('DANKE');
  });
});
