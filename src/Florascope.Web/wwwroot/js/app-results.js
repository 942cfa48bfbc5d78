// The identification's answer as cards: the scientific name large, vernacular names in the page's
// language, the score in words and as a percentage, the reference photos grouped by organ (opened
// full screen by app-viewer.js), "This one" and a link to the species page.
import { t, f, el, percent, organName, photoAlt } from './shared.js';
import { openViewer } from './app-viewer.js';

/**
 * The score's words. A score is a calibrated probability (the engine's temperature scaling), so
 * these bounds read as odds: from 75 % the name is right three times in four or more, from 40 %
 * more often than any other name, from 10 % a real possibility; below it, a long shot.
 */
export const VERY_LIKELY = 0.75, LIKELY = 0.4, POSSIBLE = 0.1;
/** Results under this score are folded behind "More suggestions" (the first result is always shown). */
export const SHOWN_FROM = POSSIBLE;

/** The score in words (a key of the translations: app.score.verylikely, .likely, .possible, .unlikely). Pure. */
export function scoreWords(score) {
  if (score >= VERY_LIKELY) return 'app.score.verylikely';
  if (score >= LIKELY) return 'app.score.likely';
  if (score >= POSSIBLE) return 'app.score.possible';
  return 'app.score.unlikely';
}

const WORDS = { 'app.score.verylikely': 'very likely', 'app.score.likely': 'likely', 'app.score.possible': 'possible', 'app.score.unlikely': 'unlikely' };
const ORGANS = ['flower', 'leaf', 'fruit', 'bark', 'habit', 'other', 'auto'];

/** Splits the results into those shown at once and those folded away. Pure. */
export function splitResults(results) {
  const shown = results.filter((r, i) => i === 0 || r.score >= SHOWN_FROM);
  return { shown, more: results.slice(shown.length) };
}

/** One card per result; onPick(name) when "This one" is tapped. */
export function card(result, onPick) {
  const name = result.species.scientificNameWithoutAuthor;
  const li = el('li', null, { class: 'id-card', 'data-taxon': name });
  const head = el('div', null, { class: 'id-head' });
  head.append(el('h2', name, { class: 'sci', lang: 'la' }));
  if (result.species.commonNames && result.species.commonNames.length) head.append(el('p', result.species.commonNames.slice(0, 3).join(', '), { class: 'common' }));
  const words = scoreWords(result.score);
  const score = el('p', null, { class: 'id-score ' + words.slice('app.score.'.length), 'data-score': String(result.score) });
  score.append(el('span', t(words, WORDS[words]), { class: 'words' }), el('span', percent(result.score), { class: 'pct' }));
  const bar = el('span', null, { class: 'score-bar', 'aria-hidden': 'true' });
  const fill = el('span');
  // A style property set from script (CSSOM) is allowed by the page's CSP; a style attribute would not be.
  fill.style.inlineSize = Math.max(2, Math.round(result.score * 100)) + '%';
  bar.append(fill);
  score.append(bar);
  head.append(score);
  li.append(head);

  const images = [...(result.images || [])].sort((a, b) => ORGANS.indexOf(a.organ) - ORGANS.indexOf(b.organ));
  if (images.length) {
    const gallery = el('div', null, { class: 'thumbs', role: 'group', 'aria-label': f('app.refphotos', 'Reference photos of {taxon}', { taxon: name }) });
    let group = null, current = null;
    images.forEach((image, i) => {
      if (image.organ !== current) {
        current = image.organ;
        group = el('div', null, { class: 'organ-group' });
        group.append(el('span', organName(image.organ || 'auto'), { class: 'organ-name' }));
        gallery.append(group);
      }
      const alt = photoAlt(name, image.organ, 'reference');
      const open = el('button', null, { type: 'button', class: 'thumb', 'aria-label': f('app.openphoto', 'Open full screen: {photo}', { photo: alt }) });
      open.append(el('img', null, { src: image.url.s, alt, loading: 'lazy' }));
      open.addEventListener('click', () => openViewer(images.map(x => ({ ...x, alt: photoAlt(name, x.organ, 'reference') })), i, open));
      group.append(open);
    });
    li.append(gallery);
  }

  const actions = el('div', null, { class: 'id-actions' });
  const pick = el('button', t('app.thisone', 'This one'), { type: 'button', class: 'pick', 'aria-pressed': 'false', 'aria-label': f('app.thisone.label', 'This one: {taxon}', { taxon: name }) });
  pick.addEventListener('click', () => onPick(name, pick));
  actions.append(pick, el('a', t('app.species', 'Species page'), { href: '/taxa/' + encodeURIComponent(name), class: 'species-link' }));
  li.append(actions);
  return li;
}
