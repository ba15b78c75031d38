/** Published answers for the demo's fault codes and models, so the knowledge base is not empty on day one. */
export interface DemoArticle {
  title: string;
  body: string;
  tags: string[];
  faultCodes: string[];
  /** product model codes */
  models: string[];
  visibility: 'internal' | 'public';
}

export const DEMO_ARTICLES: readonly DemoArticle[] = [
  {
    title: 'E206 high-pressure cut-out on display cabinets: clean the condenser first',
    tags: ['condenser', 'refrigeration'], faultCodes: ['E206'], models: ['KV6', 'CU4'], visibility: 'internal',
    body: [
      '## Symptom', '', 'The cabinet stops cooling and shows **E206**; the compressor restarts after a few minutes and trips again.', '',
      '## Cause', '', 'In most cases a dirty condenser or a blocked condenser fan: the head pressure rises until the HP switch cuts out.', '',
      '## Solution', '', '1. Isolate the unit and clean the condenser fins (brush, then compressed air from the inside out).',
      '2. Check that the condenser fan turns freely and runs at full speed.', '3. Reset the HP switch and watch the pressure for 15 minutes.',
      '4. If it trips again with a clean condenser, check the refrigerant charge (overcharge) and the HP switch setting.', '',
    ].join('\n'),
  },
  {
    title: 'E320 drain pump blocked on dishwashers',
    tags: ['drain pump', 'hydraulics'], faultCodes: ['E320'], models: ['DWT2', 'DWB8'], visibility: 'internal',
    body: [
      '## Symptom', '', 'Water stays in the tank after the programme; the machine shows **E320**.', '',
      '## Solution', '', '- Remove the tank strainer and clear food residue and broken glass from the pump inlet.',
      '- Turn the pump impeller by hand: if it is stiff, replace the drain pump (part DP-220).', '- Run an empty cycle and check the drain hose is not kinked.', '',
    ].join('\n'),
  },
  {
    title: 'Evaporator iced up (E210): defrost and check the defrost heater',
    tags: ['evaporator', 'defrost'], faultCodes: ['E210'], models: ['TK14', 'KV6'], visibility: 'internal',
    body: [
      '## Solution', '', 'Run a manual defrost. If ice remains, measure the defrost heater (about 90 Ω on the TK-1400) and the defrost termination sensor; replace whichever is open.',
      '', 'Check that the door gasket closes: warm, humid air is the usual cause of fast icing.', '',
    ].join('\n'),
  },
  {
    title: 'Dishwasher leaves spots and white film: descale and check the rinse aid',
    tags: ['descaling', 'rinse aid'], faultCodes: [], models: ['DWT2', 'DWB8'], visibility: 'public',
    body: [
      'White film or spots on glasses usually come from hard water or an empty rinse-aid container, not from a fault.', '',
      '## What you can do yourself', '', '1. Fill the rinse-aid container and check that the suction hose reaches the bottom.',
      '2. Descale the machine with a descaler approved by the manufacturer (follow the label; wear gloves).',
      '3. Check the water softener salt, if your machine has a softener.', '',
      'If the film remains after two descaling cycles, report it with the serial number of the machine and we will send a technician.', '',
    ].join('\n'),
  },
  {
    title: 'Heat pump shows no water flow (E501)',
    tags: ['circulation pump', 'heating'], faultCodes: ['E501'], models: ['HP3'], visibility: 'public',
    body: [
      'The heat pump stops and shows **E501** when the heating water does not flow.', '',
      '## Before you call', '', '- Check the system pressure on the manometer: it should be between 1.0 and 2.0 bar. Top up if it is lower.',
      '- Open all radiator or underfloor valves and the isolation valves next to the heat pump.', '- Bleed air from the radiators.', '',
      'If the error comes back, please report it: the circulation pump or the flow switch may need a technician.', '',
    ].join('\n'),
  },
];
