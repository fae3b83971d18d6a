// The fictional world the evaluation set is labelled against: clients at different stages with
// different apps, so that "in stage" matters. registry.yaml is written from this.

export const AUTHSERV_ID = 'mx.partners.example';
export const TEAM = { name: 'API Partners', address: 'apipartners@partners.example' };
export const STAFF = [
  { name: 'Jordan Reyes', address: 'ops@partners.example' },
  { name: 'Casey Lin', address: 'casey.lin@partners.example' },
];

export const PARTNERS = [
  { id: 'acme', name: 'Acme Health Apps', contact: 'integrations@acmehealth.io' },
  { id: 'brightline', name: 'Brightline Analytics', contact: 'partners@brightline-analytics.com' },
  { id: 'tidewater', name: 'Tidewater Labs', contact: 'dev@tidewaterlabs.io' },
  { id: 'careloop', name: 'CareLoop Inc.', contact: 'api@careloop.app' },
];

const READY = { portalApproved: true, termsSigned: true, sandboxDone: true, preBetaDone: true };

/** misspelt: the small typo a person makes; lower: how people type it in a hurry. */
export const APPS = {
  'acme-scheduler': { name: 'Acme Scheduler', alias: 'AcmeSched', misspelt: 'Acme Schedular', lower: 'acme scheduler', partner: 'acme', readiness: READY },
  'brightline-insights': { name: 'Brightline Insights', alias: 'BL Insights', misspelt: 'Brightline Insight', lower: 'brightline insights', partner: 'brightline', readiness: READY },
  'tidewater-rx': { name: 'Tidewater RxSync', alias: 'RxSync', misspelt: 'Tidewater RxSynch', lower: 'tidewater rxsync', partner: 'tidewater', readiness: READY },
  careloop: { name: 'CareLoop Messenger', alias: 'CareLoop', misspelt: 'Careloop Messanger', lower: 'careloop messenger', partner: 'careloop', readiness: READY },
  // Not ready for beta: the registry records only two of the four pre-beta conditions.
  'acme-notes': { name: 'Acme Notes', alias: 'AcmeNotes', misspelt: 'Acme Note', lower: 'acme notes', partner: 'acme', readiness: { portalApproved: true, termsSigned: true } },
};

export const partnerOf = (appId) => PARTNERS.find((p) => p.id === APPS[appId].partner);

/**
 * people: approvers first; `nonApprovers` write from the client's domain but are not on a
 * non-empty approvers list. lang: the language the practice writes in.
 */
export const CLIENTS = {
  riverside: {
    name: 'Riverside Family Medicine', short: 'Riverside', domain: 'riversidefm.org', lang: 'en', approversListed: false,
    people: [
      { name: 'Dana Whitfield', address: 'dana.whitfield@riversidefm.org', role: 'Practice Manager' },
      { name: 'Marcus Bell', address: 'mbell@riversidefm.org', role: 'IT Director' },
      { name: 'Dr. Helen Ostrowski', address: 'hostrowski@riversidefm.org', role: 'Medical Director' },
      { name: 'Priya Raman', address: 'praman@riversidefm.org', role: 'Clinical Informatics Lead' },
    ],
    stages: { 'acme-scheduler': 'beta_consented', 'brightline-insights': 'pending', 'tidewater-rx': 'production_approved', 'acme-notes': 'pending' },
  },
  lakeside: {
    name: 'Lakeside Pediatrics', short: 'Lakeside', domain: 'lakesidepeds.org', lang: 'en', approversListed: true,
    people: [
      { name: 'Pat Morgan', address: 'pm@lakesidepeds.org', role: 'Practice Administrator' },
      { name: 'Dr. Luis Ortiz', address: 'dr.ortiz@lakesidepeds.org', role: 'Physician Lead' },
    ],
    nonApprovers: [
      { name: 'Front Desk', address: 'frontdesk@lakesidepeds.org', role: 'Reception' },
      { name: 'Jamie Kim', address: 'jkim@lakesidepeds.org', role: 'Billing Specialist' },
    ],
    stages: { 'acme-scheduler': 'pending', 'brightline-insights': 'production_approved', careloop: 'beta_consented' },
  },
  hillcrest: {
    name: 'Hillcrest Clinic', short: 'Hillcrest', domain: 'hillcrestclinic.org', lang: 'en', approversListed: false,
    people: [
      { name: 'Tom Alvarez', address: 'talvarez@hillcrestclinic.org', role: 'Operations Manager' },
      { name: 'Grace Kwon', address: 'gkwon@hillcrestclinic.org', role: 'Director of Nursing' },
    ],
    stages: { 'acme-scheduler': 'production_approved', careloop: 'beta_consented', 'tidewater-rx': 'pending' },
  },
  northgate: {
    name: 'Northgate Orthopedics', short: 'Northgate', domain: 'northgateortho.com', lang: 'en', approversListed: true,
    people: [
      { name: 'Rachel Feldman', address: 'r.feldman@northgateortho.com', role: 'COO' },
      { name: 'Sam Okafor', address: 'cio@northgateortho.com', role: 'CIO' },
    ],
    nonApprovers: [
      { name: 'Devon Price', address: 'dprice@northgateortho.com', role: 'EHR Analyst' },
      { name: 'Nina Shah', address: 'nshah@northgateortho.com', role: 'Office Coordinator' },
    ],
    stages: { 'brightline-insights': 'beta_consented', careloop: 'pending', 'acme-scheduler': 'withdrawn' },
  },
  willow: {
    name: 'Willow Creek Health', short: 'Willow Creek', domain: 'willowcreekhealth.org', lang: 'en', approversListed: false,
    people: [
      { name: 'Jenna Liu', address: 'jenna.liu@willowcreekhealth.org', role: 'Practice Manager' },
      { name: 'Bob Harlan', address: 'bharlan@willowcreekhealth.org', role: 'Physician Owner' },
    ],
    stages: { 'tidewater-rx': 'beta_consented', 'acme-scheduler': 'pending', 'brightline-insights': 'production_approved' },
  },
  'clinica-sol': {
    name: 'Clínica del Sol', short: 'Clínica del Sol', domain: 'clinicadelsol.mx', lang: 'es', approversListed: false,
    people: [
      { name: 'María José Herrera', address: 'mjherrera@clinicadelsol.mx', role: 'Gerente de Operaciones' },
      { name: 'Dr. Andrés Fuentes', address: 'afuentes@clinicadelsol.mx', role: 'Director Médico' },
    ],
    stages: { 'acme-scheduler': 'beta_consented', 'brightline-insights': 'pending', 'tidewater-rx': 'production_approved' },
  },
  lumiere: {
    name: 'Cabinet Médical Lumière', short: 'Cabinet Lumière', domain: 'cabinet-lumiere.fr', lang: 'fr', approversListed: false,
    people: [
      { name: 'Sophie Marchand', address: 's.marchand@cabinet-lumiere.fr', role: 'Responsable administrative' },
      { name: 'Dr Julien Roux', address: 'j.roux@cabinet-lumiere.fr', role: 'Médecin coordinateur' },
    ],
    stages: { 'brightline-insights': 'beta_consented', careloop: 'pending', 'acme-scheduler': 'production_approved' },
  },
  'praxis-see': {
    name: 'Praxis am See', short: 'Praxis am See', domain: 'praxis-amsee.de', lang: 'de', approversListed: false,
    people: [
      { name: 'Dr. Katrin Vogel', address: 'k.vogel@praxis-amsee.de', role: 'Praxisinhaberin' },
      { name: 'Stefan Brandt', address: 's.brandt@praxis-amsee.de', role: 'Praxismanager' },
    ],
    stages: { 'tidewater-rx': 'beta_consented', 'acme-scheduler': 'pending', careloop: 'production_approved', 'acme-notes': 'pending' },
  },
  // Practices writing in languages the decision does not support: their approvals are flagged.
  aurora: {
    name: 'Studio Medico Aurora', short: 'Aurora', domain: 'studioaurora.it', lang: 'it', approversListed: false,
    people: [{ name: 'Giulia Conti', address: 'g.conti@studioaurora.it', role: 'Responsabile amministrativa' }],
    stages: { 'acme-scheduler': 'beta_consented', careloop: 'pending' },
  },
  delinde: {
    name: 'Huisartsenpraktijk De Linde', short: 'De Linde', domain: 'praktijkdelinde.nl', lang: 'nl', approversListed: false,
    people: [{ name: 'Sanne de Vries', address: 's.devries@praktijkdelinde.nl', role: 'Praktijkmanager' }],
    stages: { 'brightline-insights': 'beta_consented', 'acme-scheduler': 'pending' },
  },
  boavista: {
    name: 'Clínica Boa Vista', short: 'Boa Vista', domain: 'clinicaboavista.pt', lang: 'pt', approversListed: false,
    people: [{ name: 'João Almeida', address: 'j.almeida@clinicaboavista.pt', role: 'Diretor Clínico' }],
    stages: { careloop: 'beta_consented', 'tidewater-rx': 'pending' },
  },
  zdrowie: {
    name: 'Przychodnia Zdrowie', short: 'Zdrowie', domain: 'przychodnia-zdrowie.pl', lang: 'pl', approversListed: false,
    people: [{ name: 'Anna Nowak', address: 'a.nowak@przychodnia-zdrowie.pl', role: 'Kierownik przychodni' }],
    stages: { 'tidewater-rx': 'beta_consented', 'brightline-insights': 'pending' },
  },
};

const STEP_NEEDS = { beta_consent: 'pending', production_approval: 'beta_consented', ga_signoff: 'production_approved' };

/** The app each client could validly take `step` for (in stage, and ready when it is a beta consent). */
export function inStageApps(clientId, step) {
  const c = CLIENTS[clientId];
  return Object.entries(c.stages)
    .filter(([app, stage]) => stage === STEP_NEEDS[step] && (step !== 'beta_consent' || Object.keys(APPS[app].readiness).length === 4))
    .map(([app]) => app);
}

let counter = 0;
/** Identifiers are fake but well-formed (4–200 characters, no spaces). */
const ids = (c, kind) => [`${c.toUpperCase().replace(/[^A-Z]/g, '').slice(0, 4)}-${kind}-${String(4100 + ++counter)}`];

export function registryObject() {
  counter = 0;
  return {
    staff: STAFF.map((s) => s.address),
    clients: Object.entries(CLIENTS).map(([id, c]) => ({
      id,
      name: c.name,
      domains: [c.domain],
      approvers: c.approversListed ? c.people.map((p) => p.address) : [],
      testEnvironmentIds: ids(id, 'TEST'),
      productionEnvironmentIds: ids(id, 'PROD'),
    })),
    partners: PARTNERS.map((p) => ({ ...p, publicKey: `keys/${p.id}.asc` })),
    apps: Object.entries(APPS).map(([id, a]) => ({ id, name: a.name, aliases: [a.alias], partner: a.partner, readiness: a.readiness })),
    integrations: Object.entries(CLIENTS).flatMap(([client, c]) => Object.entries(c.stages).map(([app, stage]) => ({ app, client, stage }))),
  };
}
