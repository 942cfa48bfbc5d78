// What the three challenge pages share: phase names, score and size formatting, and the server's refusal as text.
import * as fs from './shared.js';

/** A phase ("upcoming", "open", "closed") in the page's language. */
export const phaseName = phase => fs.t('ch.phase.' + phase, phase);

/** A score (MRR, macro MRR: 0-1) with three decimals at most, in the page's language. */
export const score = x => fs.num(x, 3);

/** An accuracy (top-1, top-5: 0-1) as a percentage with one decimal at most. */
export const accuracy = x => (typeof x === 'number' && Number.isFinite(x)
  ? x.toLocaleString(fs.lang, { style: 'percent', maximumFractionDigits: 1 }) : '—');

/** The message of a refused request ({statusCode, error, message}), else its status. */
export const refusal = r => (r.body && r.body.message) || fs.f('ch.failed', 'The server answered {status}.', { status: r.status });

/** A phase badge. */
export const phaseBadge = phase => fs.el('span', phaseName(phase), { class: 'badge phase-' + phase, 'data-phase': phase });

/** Labels each cell of a table row with its column's name (the phone layout shows them as cards). */
export function labelCells(table, tr) {
  const labels = [...table.querySelectorAll('thead th')].map(th => th.textContent);
  [...tr.children].forEach((td, i) => td.setAttribute('data-label', labels[i] || ''));
  return tr;
}
