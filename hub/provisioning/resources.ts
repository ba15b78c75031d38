import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import {
  assets, contacts, contracts, customers, faultCodes, orderRules, productModels, requestCategories, routingRules, sites, teams,
} from '../../db/schema/index.js';
import * as api from '../contracts/api/install-base.js';
import { normalizePhone } from '../identify/identify.js';
import { BadRequest } from '../platform/errors.js';
import { crudRoutes } from './crud.js';

/** Every provisioned resource of DESIGN.md that is plain records (users, devices and keys have their own routes). */
export function provisioningRoutes(db: Db) {
  return [
    crudRoutes(db, {
      entity: 'customer', path: '/customers', table: customers, create: api.CustomerCreate, update: api.CustomerCreate.partial(),
      view: api.CustomerView, read: 'install-base.read', write: 'install-base.write',
      search: [customers.name, customers.email, customers.externalRef], filters: { country: customers.country, region: customers.region },
    }),
    crudRoutes(db, {
      entity: 'contact', path: '/contacts', table: contacts, create: api.ContactCreate, update: api.ContactCreate.partial(),
      view: api.ContactView, read: 'install-base.read', write: 'install-base.write',
      search: [contacts.name, contacts.email, contacts.phone], filters: { customerId: contacts.customerId },
      prepare: async (_db, v) => (typeof v.phone === 'string' ? { ...v, phone: normalizePhone(v.phone) } : v),
    }),
    crudRoutes(db, {
      entity: 'site', path: '/sites', table: sites, create: api.SiteCreate, update: api.SiteCreate.partial(),
      view: api.SiteView, read: 'install-base.read', write: 'install-base.write',
      search: [sites.name, sites.city, sites.address], filters: { customerId: sites.customerId, region: sites.region },
    }),
    crudRoutes(db, {
      entity: 'product model', path: '/product-models', table: productModels, create: api.ProductModelCreate,
      update: api.ProductModelCreate.partial(), view: api.ProductModelView, read: 'install-base.read', write: 'catalog.write',
      search: [productModels.code, productModels.name], filters: { productLine: productModels.productLine },
    }),
    crudRoutes(db, {
      entity: 'contract', path: '/contracts', table: contracts, create: api.ContractCreate, update: api.ContractUpdate,
      view: api.ContractView, read: 'install-base.read', write: 'install-base.write',
      search: [contracts.number, contracts.name], filters: { customerId: contracts.customerId },
      prepare: async (tx, v, existing) => {
        const from = (v.validFrom ?? existing?.validFrom) as string | undefined;
        const until = (v.validUntil ?? existing?.validUntil) as string | undefined;
        if (from && until && from > until) throw new BadRequest('validUntil is before validFrom', { validUntil: 'before validFrom' });
        return v;
      },
    }),
    crudRoutes(db, {
      entity: 'asset', path: '/assets', table: assets, create: api.AssetCreate, update: api.AssetCreate.partial(),
      view: api.AssetView, read: 'install-base.read', write: 'install-base.write',
      search: [assets.serialNumber],
      filters: { customerId: assets.customerId, siteId: assets.siteId, modelId: assets.modelId, contractId: assets.contractId },
      prepare: checkAssetRefs,
    }),
    crudRoutes(db, {
      entity: 'fault code', path: '/fault-codes', table: faultCodes, create: api.FaultCodeCreate, update: api.FaultCodeCreate.partial(),
      view: api.FaultCodeView, read: 'install-base.read', write: 'catalog.write',
      search: [faultCodes.code, faultCodes.description], filters: { defaultSeverity: faultCodes.defaultSeverity },
    }),
    crudRoutes(db, {
      entity: 'request category', path: '/categories', table: requestCategories, create: api.CategoryCreate, update: api.CategoryUpdate,
      view: api.CategoryView, read: 'requests.read', write: 'catalog.write', search: [requestCategories.name, requestCategories.key],
    }),
    crudRoutes(db, {
      entity: 'order rule', path: '/order-rules', table: orderRules, create: api.OrderRuleCreate, update: api.OrderRuleCreate.partial(),
      view: api.OrderRuleView, read: 'install-base.read', write: 'catalog.write', search: [orderRules.name, orderRules.faultCode],
    }),
    crudRoutes(db, {
      entity: 'team', path: '/teams', table: teams, create: api.TeamCreate, update: api.TeamCreate.partial(),
      view: api.TeamView, read: 'install-base.read', write: 'teams.write', search: [teams.name], filters: { region: teams.region },
      prepare: async (tx, v, existing) => {
        // One default team at most: making this one the default takes the flag from the other.
        if (v.isDefault === true) await tx.update(teams).set({ isDefault: false }).where(eq(teams.isDefault, true));
        void existing;
        return v;
      },
    }),
    crudRoutes(db, {
      entity: 'routing rule', path: '/routing-rules', table: routingRules, create: api.RoutingRuleCreate,
      update: api.RoutingRuleCreate.partial(), view: api.RoutingRuleView, read: 'install-base.read', write: 'teams.write',
      filters: { teamId: routingRules.teamId },
    }),
  ];
}

/** An asset's site and contract must belong to the asset's customer (a clear 400, not a silent mix-up). */
async function checkAssetRefs(tx: DbOrTx, v: Record<string, unknown>, existing: Record<string, unknown> | null) {
  const customerId = (v.customerId ?? existing?.customerId) as string;
  const siteId = v.siteId as string | null | undefined;
  const contractId = v.contractId as string | null | undefined;
  if (siteId) {
    const [s] = await tx.select({ customerId: sites.customerId }).from(sites).where(eq(sites.id, siteId));
    if (!s) throw new BadRequest('unknown site', { siteId: 'no such site' });
    if (s.customerId !== customerId) throw new BadRequest('the site belongs to another customer', { siteId: 'belongs to another customer' });
  }
  if (contractId) {
    const [k] = await tx.select({ customerId: contracts.customerId }).from(contracts).where(eq(contracts.id, contractId));
    if (!k) throw new BadRequest('unknown contract', { contractId: 'no such contract' });
    if (k.customerId !== customerId) throw new BadRequest('the contract belongs to another customer', { contractId: 'belongs to another customer' });
  }
  return v;
}
