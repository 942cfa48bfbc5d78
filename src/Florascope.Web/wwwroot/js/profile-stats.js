// A person's figures (GET /api/users/{id}) as the profile and the account page show them.
import { t, el, num, percent } from './shared.js';

/** The <dt>/<dd> pairs of a person's figures; each <dd> carries data-field for tests and styles. */
export function statsFacts(s) {
  const rows = [
    ['observations', t('profile.observations', 'Observations'), num(s.observations)],
    ['validObservations', t('profile.valid', 'Valid observations'), num(s.validObservations)],
    ['species', t('profile.species', 'Species (valid observations)'), num(s.species)],
    ['identifications', t('profile.identifications', "Identifications of others' observations"), num(s.identifications)],
    // The share of named identifications that name the community's taxon; none before any was decided.
    ['agreementRate', t('profile.agreement', 'Agreement with the community'), s.agreementRate === null ? '—' : percent(s.agreementRate)],
    ['score', t('profile.score', 'Game score'), num(s.score)],
    ['expertise', t('profile.expertise', 'Expertise (taxa proven)'), num(s.expertise)],
  ];
  return rows.flatMap(([field, label, value]) => [el('dt', label), el('dd', value, { 'data-field': field })]);
}
