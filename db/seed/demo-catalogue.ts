import type { FieldDefinition, REQUEST_TYPES, SEVERITIES, SlaTable } from '../../hub/contracts/model.js';
import type { CustomerKind, SlaTier } from './demo-customers.js';

// The shared reference data of the demo: what is sold, how it fails, how requests are asked.

export interface DemoModel {
  /** also the serial-number prefix: HP3-2024-000123 */
  code: string;
  name: string;
  productLine: string;
  manufacturer: string;
  warrantyMonths: 24 | 36;
}

export const DEMO_MODELS: readonly DemoModel[] = [
  { code: 'KV6', name: 'NordFrost KV-600 refrigerated display cabinet', productLine: 'commercial refrigeration', manufacturer: 'NordFrost Kältetechnik', warrantyMonths: 24 },
  { code: 'TK14', name: 'NordFrost TK-1400 walk-in freezer room', productLine: 'commercial refrigeration', manufacturer: 'NordFrost Kältetechnik', warrantyMonths: 24 },
  { code: 'CU4', name: 'NordFrost CU-4 condensing unit 4 kW', productLine: 'commercial refrigeration', manufacturer: 'NordFrost Kältetechnik', warrantyMonths: 24 },
  { code: 'HP3', name: 'ThermaFlux HP-3 air-to-water heat pump 12 kW', productLine: 'heat pumps', manufacturer: 'ThermaFlux', warrantyMonths: 36 },
  { code: 'DWT2', name: 'AquaClean T-2 hood-type dishwasher', productLine: 'industrial dishwashers', manufacturer: 'AquaClean', warrantyMonths: 24 },
  { code: 'DWB8', name: 'AquaClean B-8 conveyor dishwasher', productLine: 'industrial dishwashers', manufacturer: 'AquaClean', warrantyMonths: 36 },
];

/** What a business of each kind plausibly runs (a bakery has no conveyor dishwasher). */
export const MODELS_BY_KIND: Record<CustomerKind, readonly string[]> = {
  bakery: ['KV6', 'KV6', 'TK14', 'DWT2'],
  butcher: ['KV6', 'TK14', 'TK14', 'CU4'],
  hotel: ['HP3', 'HP3', 'DWT2', 'DWB8', 'KV6'],
  catering: ['DWB8', 'DWT2', 'TK14', 'HP3'],
  supermarket: ['KV6', 'KV6', 'KV6', 'CU4', 'TK14'],
  'cold-chain': ['TK14', 'TK14', 'CU4', 'CU4'],
};

/** Response and resolution times in business hours, per contract tier. */
export const SLA_TIERS: Record<SlaTier, SlaTable> = {
  premium: {
    high: { responseHours: 2, resolutionHours: 8 },
    medium: { responseHours: 4, resolutionHours: 16 },
    normal: { responseHours: 8, resolutionHours: 40 },
    low: { responseHours: 16, resolutionHours: 80 },
  },
  standard: {
    high: { responseHours: 4, resolutionHours: 16 },
    medium: { responseHours: 8, resolutionHours: 32 },
    normal: { responseHours: 16, resolutionHours: 56 },
    low: { responseHours: 40, resolutionHours: 120 },
  },
  basic: {
    high: { responseHours: 8, resolutionHours: 40 },
    medium: { responseHours: 16, resolutionHours: 56 },
    normal: { responseHours: 24, resolutionHours: 80 },
    low: { responseHours: 40, resolutionHours: 160 },
  },
};

export interface DemoFaultCode {
  code: string;
  description: string;
  defaultSeverity: (typeof SEVERITIES)[number];
  requiredSkill: string | null;
  component: string;
}

// E = error (the unit is impaired), W = warning (it still runs). The first digit is the
// subsystem: 1 compressor, 2 refrigerant circuit, 3 water side, 4 controls, 5 heat pump.
export const DEMO_FAULT_CODES: readonly DemoFaultCode[] = [
  { code: 'E101', description: 'compressor overcurrent', defaultSeverity: 'major', requiredSkill: 'electrical', component: 'compressor' },
  { code: 'E102', description: 'compressor discharge temperature too high', defaultSeverity: 'major', requiredSkill: 'refrigeration', component: 'compressor' },
  { code: 'E103', description: 'compressor does not start', defaultSeverity: 'critical', requiredSkill: 'electrical', component: 'compressor' },
  { code: 'E205', description: 'refrigerant low pressure', defaultSeverity: 'major', requiredSkill: 'refrigeration', component: 'refrigerant circuit' },
  { code: 'E206', description: 'refrigerant high pressure cut-out', defaultSeverity: 'critical', requiredSkill: 'refrigeration', component: 'condenser' },
  { code: 'E210', description: 'evaporator iced up', defaultSeverity: 'minor', requiredSkill: 'refrigeration', component: 'evaporator' },
  { code: 'E301', description: 'water inlet pressure too low', defaultSeverity: 'minor', requiredSkill: 'hydraulics', component: 'inlet valve' },
  { code: 'E320', description: 'drain pump blocked', defaultSeverity: 'major', requiredSkill: 'hydraulics', component: 'drain pump' },
  { code: 'E330', description: 'wash tank heater failure', defaultSeverity: 'major', requiredSkill: 'electrical', component: 'tank heater' },
  { code: 'E401', description: 'temperature sensor open circuit', defaultSeverity: 'major', requiredSkill: 'controls', component: 'temperature sensor' },
  { code: 'E402', description: 'controller communication lost', defaultSeverity: 'minor', requiredSkill: 'controls', component: 'controller board' },
  { code: 'E501', description: 'no water flow (flow switch open)', defaultSeverity: 'major', requiredSkill: 'hydraulics', component: 'circulation pump' },
  { code: 'E510', description: 'defrost cycle failed', defaultSeverity: 'minor', requiredSkill: 'refrigeration', component: 'defrost heater' },
  { code: 'W120', description: 'door open too long', defaultSeverity: 'warning', requiredSkill: null, component: 'door switch' },
  { code: 'W310', description: 'filter clogged', defaultSeverity: 'warning', requiredSkill: 'hydraulics', component: 'filter' },
  { code: 'W311', description: 'detergent level low', defaultSeverity: 'warning', requiredSkill: null, component: 'dosing unit' },
  { code: 'W450', description: 'maintenance interval due', defaultSeverity: 'warning', requiredSkill: null, component: 'controller board' },
];

export interface DemoCategory {
  key: string;
  name: string;
  defaultType: (typeof REQUEST_TYPES)[number];
  fields: FieldDefinition[];
}

export const DEMO_CATEGORIES: readonly DemoCategory[] = [
  {
    key: 'repair', name: 'Repair / fault report', defaultType: 'request',
    fields: [
      { key: 'serial_number', label: 'Serial number (type plate)', kind: 'serial', required: true },
      {
        key: 'symptom', label: 'What is wrong?', kind: 'choice', required: true,
        options: ['not cooling', 'not heating', 'leaking water', 'unusual noise', 'error code on display', 'does not start', 'other'],
      },
      { key: 'error_code', label: 'Error code shown', kind: 'text', required: false },
    ],
  },
  {
    key: 'installation', name: 'Installation / commissioning', defaultType: 'request',
    fields: [
      { key: 'preferred_date', label: 'Preferred installation date', kind: 'date', required: true },
      { key: 'site_notes', label: 'Access, power and water connections on site', kind: 'text', required: false },
    ],
  },
  {
    key: 'maintenance-question', name: 'Maintenance question', defaultType: 'request',
    fields: [{ key: 'question', label: 'Your question', kind: 'text', required: true }],
  },
  {
    key: 'complaint', name: 'Complaint', defaultType: 'complaint',
    fields: [
      { key: 'related_request', label: 'Earlier request number (SR-…)', kind: 'text', required: false },
      { key: 'expected_outcome', label: 'What do you expect from us?', kind: 'text', required: true },
    ],
  },
];

export interface DemoOrderRule {
  name: string;
  faultCode: string;
  isPrefix: boolean;
  minSeverity: (typeof SEVERITIES)[number];
  minOccurrences: number;
  windowMinutes: number | null;
  orderKind: 'corrective' | 'preventive';
  priority: 'high' | 'medium' | 'normal' | 'low';
}

export const DEMO_ORDER_RULES: readonly DemoOrderRule[] = [
  {
    name: 'Compressor faults: send a technician', faultCode: 'E1', isPrefix: true, minSeverity: 'major',
    minOccurrences: 1, windowMinutes: null, orderKind: 'corrective', priority: 'high',
  },
  {
    // A single low-pressure reading is often a defrost transient; three in an hour is a leak.
    name: 'Repeated low refrigerant pressure', faultCode: 'E205', isPrefix: false, minSeverity: 'major',
    minOccurrences: 3, windowMinutes: 60, orderKind: 'corrective', priority: 'high',
  },
  {
    name: 'Maintenance interval due', faultCode: 'W450', isPrefix: false, minSeverity: 'warning',
    minOccurrences: 1, windowMinutes: null, orderKind: 'preventive', priority: 'low',
  },
];
