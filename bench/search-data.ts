import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';

/** A seeded pseudo-random source, so two runs generate the same data set. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

const SYLLABLES = ['ka', 'te', 'ro', 'mi', 'su', 'lan', 'ber', 'tor', 'gen', 'pol', 'ski', 'var', 'del', 'un', 'stra', 'ko', 'ne', 'ba', 'ri', 'sch'];
/** real words (with diacritics) mixed into the synthetic vocabulary; the benchmark queries them */
export const REAL_WORDS = [
  'Störung', 'Wärmepumpe', 'Kältemittel', 'Außengerät', 'Druckschalter', 'Fehlermeldung', 'Heizstab', 'Umwälzpumpe',
  'Błąd', 'czujnik', 'usterka', 'sprężarka', 'ciśnienie', 'Hőmérséklet', 'érzékelő', 'szivattyú', 'hibakód', 'nyomás',
  '压缩机过热', '风扇不转', '水泵故障', '温度传感器', '控制面板',
];
const SENTENCES_ZH = ['客户说压缩机过热', '现场检查风扇不转', '更换温度传感器后正常', '控制面板显示故障代码'];

export interface DataSet { requests: number; entries: number; customers: number; assets: number }

/** Generates and bulk-inserts the data set (multi-row INSERTs of 2,000 rows) on PostgreSQL. */
export async function generate(sql: postgres.Sql, ds: DataSet, log: (msg: string) => void) {
  const r = rng(42);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const vocab = Array.from({ length: 20_000 }, () => Array.from({ length: 2 + Math.floor(r() * 3) }, () => pick(SYLLABLES)).join(''));
  const words = (n: number) => Array.from({ length: n }, () => (r() < 0.08 ? pick(REAL_WORDS) : pick(vocab))).join(' ');
  const insert = async (table: string, rows: Array<Record<string, unknown>>) => {
    for (let i = 0; i < rows.length; i += 2000) await sql`insert into ${sql(table)} ${sql(rows.slice(i, i + 2000))}`;
  };
  const models = Array.from({ length: 20 }, (_, i) => ({ id: randomUUID(), code: `WP-${i}`, name: `Wärmepumpe ${i + 6} kW`, product_line: 'heat pumps' }));
  await insert('product_models', models);
  const customers = Array.from({ length: ds.customers }, (_, i) => ({
    id: randomUUID(), name: `${pick(['Müller', 'Nowak', 'Kovács', 'Schmidt', 'Wiśniewski', 'Szabó', '王', '李'])} ${pick(vocab)} ${i}`,
    country: pick(['DE', 'PL', 'HU', 'CN']), phone: `+${pick(['49', '48', '36'])}${String(300_000_000 + i * 7).padStart(9, '0')}`,
  }));
  await insert('customers', customers);
  await insert('contacts', customers.map((c, i) => ({ id: randomUUID(), customer_id: c.id, name: `Kontakt ${pick(vocab)} ${i}`, phone: `+4917${String(10_000_000 + i).padStart(8, '0')}` })));
  const assets = Array.from({ length: ds.assets }, (_, i) => ({
    id: randomUUID(), serial_number: `HP-${2020 + (i % 6)}-${String(i).padStart(6, '0')}`, model_id: pick(models).id, customer_id: customers[i % customers.length]!.id,
  }));
  await insert('assets', assets);
  log(`install base: ${customers.length} customers and contacts, ${assets.length} assets`);
  const start = Date.parse('2025-01-01T00:00:00Z');
  const span = 365 * 86_400_000;
  const perRequest = Math.round(ds.entries / ds.requests);
  for (let done = 0; done < ds.requests; done += 10_000) {
    const n = Math.min(10_000, ds.requests - done);
    const requests = Array.from({ length: n }, () => {
      const a = pick(assets);
      return {
        id: randomUUID(), type: pick(['request', 'complaint', 'alarm']), channel: pick(['phone', 'email', 'web', 'mqtt']),
        priority: pick(['high', 'medium', 'normal', 'low']), status: pick(['new', 'assigned', 'in_progress', 'resolved', 'closed']),
        subject: words(4 + Math.floor(r() * 4)), description: r() < 0.05 ? pick(SENTENCES_ZH) : words(15), customer_id: a.customer_id, asset_id: a.id,
        created_at: new Date(start + Math.floor(r() * span)),
      };
    });
    await insert('service_requests', requests);
    const entries = requests.flatMap((q) => Array.from({ length: perRequest }, (_, j) => ({
      request_id: q.id, kind: pick(['note', 'call', 'email_in', 'email_out']), actor_type: 'user',
      body: r() < 0.03 ? pick(SENTENCES_ZH) : words(10 + Math.floor(r() * 10)), created_at: new Date(q.created_at.getTime() + j * 3_600_000),
    })));
    await insert('timeline_entries', entries);
    log(`requests ${done + n}/${ds.requests}, timeline entries ${(done + n) * perRequest}`);
  }
  return { assets, customers, contacts: customers.length };
}
