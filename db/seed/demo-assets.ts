import { addDays, addMonths } from './dates.js';
import { MODELS_BY_KIND } from './demo-catalogue.js';
import type { DemoCustomer } from './demo-customers.js';
import type { Rng } from './prng.js';

export const DEMO_ASSET_COUNT = 200;
/** every customer gets a few units, so each one has something to call about */
const MIN_PER_CUSTOMER = 3;
/** installed within the last four years (1,460 days), at least two weeks ago */
const MIN_AGE_DAYS = 14;
const MAX_AGE_DAYS = 1_440;

export interface PlannedAsset {
  customerRef: string;
  siteIndex: number;
  modelCode: string;
  serialNumber: string;
  installedAt: string;
  warrantyUntil: string;
}

/**
 * Spreads the demo units over customers (by weight), their sites and the models their kind of
 * business runs. Install dates count back from `today` so that, whenever the seed runs, some
 * units are still in warranty and some are not; everything else depends only on the rng.
 */
export function planAssets(
  rng: Rng, customers: readonly DemoCustomer[], warrantyMonths: ReadonlyMap<string, number>, today: string,
): PlannedAsset[] {
  const perCustomer = customers.map(() => MIN_PER_CUSTOMER);
  const weights = customers.map((c) => c.weight);
  for (let i = customers.length * MIN_PER_CUSTOMER; i < DEMO_ASSET_COUNT; i++) {
    const k = rng.weighted(weights);
    perCustomer[k] = (perCustomer[k] ?? 0) + 1;
  }
  const lastSeq = new Map<string, number>();
  const planned: PlannedAsset[] = [];
  for (const [k, customer] of customers.entries()) {
    for (let n = 0; n < (perCustomer[k] ?? 0); n++) {
      const modelCode = rng.pick(MODELS_BY_KIND[customer.kind]);
      const months = warrantyMonths.get(modelCode);
      if (months === undefined) throw new Error(`demo model ${modelCode} is missing`);
      const installedAt = addDays(today, -rng.int(MIN_AGE_DAYS, MAX_AGE_DAYS));
      // Serials count up per model with gaps, as a factory's would (units went to other buyers).
      const seq = (lastSeq.get(modelCode) ?? 100) + rng.int(1, 17);
      lastSeq.set(modelCode, seq);
      planned.push({
        customerRef: customer.ref,
        siteIndex: rng.int(0, customer.sites.length - 1),
        modelCode,
        serialNumber: `${modelCode}-${installedAt.slice(0, 4)}-${String(seq).padStart(6, '0')}`,
        installedAt,
        warrantyUntil: addMonths(installedAt, months),
      });
    }
  }
  return planned;
}
