import { baseRegistry } from './registry-fixture.js';

/**
 * The registry the labelled decision fixtures are written against:
 * lakeside: acme-scheduler and brightline-insights pending (approvers listed);
 * riverside: acme-scheduler beta_consented; hillcrest: acme-scheduler production_approved.
 */
export function decisionRegistry(): Record<string, any> {
  const reg = baseRegistry();
  reg.clients[1].approvers = ['pm@lakesidepeds.org', 'dr.ortiz@lakesidepeds.org'];
  reg.clients.push({ id: 'hillcrest', name: 'Hillcrest Clinic', domains: ['hillcrestclinic.org'], testEnvironmentIds: ['HCC-TEST-1'], productionEnvironmentIds: ['HCC-PROD-1'] });
  reg.apps.push({ id: 'brightline-insights', name: 'Brightline Insights', aliases: ['BL Insights'], partner: 'acme', readiness: { portalApproved: true, termsSigned: true, sandboxDone: true, preBetaDone: true } });
  reg.integrations = [
    { app: 'acme-scheduler', client: 'riverside', stage: 'beta_consented' },
    { app: 'acme-scheduler', client: 'lakeside', stage: 'pending' },
    { app: 'brightline-insights', client: 'lakeside', stage: 'pending' },
    { app: 'acme-scheduler', client: 'hillcrest', stage: 'production_approved' },
  ];
  return reg;
}
