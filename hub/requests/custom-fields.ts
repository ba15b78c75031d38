import type { FieldDefinition } from '../contracts/model.js';

export type FieldCheck =
  | { ok: true; values: Record<string, unknown> }
  | { ok: false; fields: Record<string, string> };

/** Checks a request's extra fields against its category's definitions (the same check the form shows). */
export function checkCustomFields(defs: readonly FieldDefinition[], values: Record<string, unknown>): FieldCheck {
  const fields: Record<string, string> = {};
  const out: Record<string, unknown> = {};
  const known = new Set(defs.map((d) => d.key));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) fields[`customFields.${key}`] = 'not a field of this category';
  }
  for (const def of defs) {
    const raw = values[def.key];
    const path = `customFields.${def.key}`;
    if (raw === undefined || raw === null || raw === '') {
      if (def.required) fields[path] = `${def.label} is required`;
      continue;
    }
    const checked = checkOne(def, raw);
    if (typeof checked === 'string') fields[path] = checked;
    else out[def.key] = checked.value;
  }
  return Object.keys(fields).length ? { ok: false, fields } : { ok: true, values: out };
}

function checkOne(def: FieldDefinition, raw: unknown): string | { value: unknown } {
  switch (def.kind) {
    case 'text':
    case 'serial':
    case 'attachment':
      if (typeof raw !== 'string') return 'expected text';
      return raw.length > 10_000 ? 'at most 10,000 characters' : { value: raw.trim() };
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      return Number.isFinite(n) ? { value: n } : 'expected a number';
    }
    case 'date':
      return typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(raw))
        ? { value: raw } : 'expected a date (YYYY-MM-DD)';
    case 'choice':
      return typeof raw === 'string' && (def.options ?? []).includes(raw)
        ? { value: raw } : `expected one of: ${(def.options ?? []).join(', ')}`;
  }
}
