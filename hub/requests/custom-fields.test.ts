import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../contracts/model.js';
import { checkCustomFields } from './custom-fields.js';

const defs: FieldDefinition[] = [
  { key: 'symptom', label: 'Symptom', kind: 'choice', required: true, options: ['noise', 'leak', 'no cooling'] },
  { key: 'temperature', label: 'Temperature', kind: 'number', required: false },
  { key: 'visit_date', label: 'Preferred date', kind: 'date', required: false },
  { key: 'serial', label: 'Serial number', kind: 'serial', required: false },
];

describe('checkCustomFields', () => {
  it('accepts valid values and coerces numbers', () => {
    expect(checkCustomFields(defs, { symptom: 'leak', temperature: '12.5', visit_date: '2026-12-01', serial: ' SN-1 ' }))
      .toEqual({ ok: true, values: { symptom: 'leak', temperature: 12.5, visit_date: '2026-12-01', serial: 'SN-1' } });
  });

  it.each([
    ['a required field missing', {}, 'customFields.symptom', 'Symptom is required'],
    ['a choice not offered', { symptom: 'fire' }, 'customFields.symptom', 'expected one of: noise, leak, no cooling'],
    ['a number that is not one', { symptom: 'leak', temperature: 'warm' }, 'customFields.temperature', 'expected a number'],
    ['a malformed date', { symptom: 'leak', visit_date: '01.12.2026' }, 'customFields.visit_date', 'expected a date (YYYY-MM-DD)'],
    ['a field the category does not have', { symptom: 'leak', colour: 'red' }, 'customFields.colour', 'not a field of this category'],
  ])('names the field for %s', (_, values, field, message) => {
    const r = checkCustomFields(defs, values);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fields[field]).toBe(message);
  });
});
