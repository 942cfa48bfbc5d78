// Reference photos full screen (the page's <dialog id="viewer">): swipe (pointer events), the arrow
// buttons and keys go from one to the next, Escape closes (the dialog's own cancel), and each photo
// carries its credit (author, licence, citation) from the identify answer.
import { f } from './shared.js';

const dialog = document.getElementById('viewer');
const image = document.getElementById('viewer-img');
const caption = document.getElementById('viewer-caption');
const credit = document.getElementById('viewer-credit');
const citation = document.getElementById('viewer-citation');
const position = document.getElementById('viewer-position');
let photos = [], index = 0, opener = null;

// On a right-to-left page the next photo is to the left: keys and swipes follow the reading direction.
const rtl = () => document.documentElement.dir === 'rtl';
// A swipe is a horizontal move of at least this many pixels, more across than down.
const SWIPE = 40;

function show(i) {
  index = (i + photos.length) % photos.length;
  const p = photos[index];
  image.src = p.url.m;
  image.alt = p.alt;
  caption.textContent = p.alt;
  credit.textContent = f('app.credit', 'Photo: {author}, {license}', { author: p.author || '?', license: p.license || '?' });
  citation.textContent = p.citation || '';
  position.textContent = f('app.position', '{n} of {count}', { n: (index + 1).toLocaleString(document.documentElement.lang), count: photos.length.toLocaleString(document.documentElement.lang) });
  dialog.dataset.index = String(index);
  dialog.dataset.organ = p.organ || 'auto';
}

/** Opens the viewer on photos[i]; focus returns to `from` when it closes. */
export function openViewer(list, i, from) {
  photos = list;
  opener = from || null;
  show(i);
  const single = photos.length < 2;
  document.getElementById('viewer-prev').hidden = single;
  document.getElementById('viewer-next').hidden = single;
  if (!dialog.open) dialog.showModal();
  document.getElementById('viewer-close').focus();
}

export const next = () => show(index + 1);
export const previous = () => show(index - 1);

document.getElementById('viewer-next').addEventListener('click', next);
document.getElementById('viewer-prev').addEventListener('click', previous);
document.getElementById('viewer-close').addEventListener('click', () => dialog.close());
dialog.addEventListener('close', () => { image.removeAttribute('src'); if (opener) opener.focus(); });
dialog.addEventListener('keydown', e => {
  if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
  e.preventDefault();
  ((e.key === 'ArrowRight') !== rtl() ? next : previous)();
});
let start = null;
image.addEventListener('pointerdown', e => { start = { x: e.clientX, y: e.clientY }; });
image.addEventListener('pointercancel', () => { start = null; });
image.addEventListener('pointerup', e => {
  if (!start) return;
  const dx = e.clientX - start.x, dy = e.clientY - start.y;
  start = null;
  if (Math.abs(dx) < SWIPE || Math.abs(dx) < Math.abs(dy)) return;
  // A swipe to the left brings the next photo (from the right), as in every phone gallery; mirrored right to left.
  ((dx < 0) !== rtl() ? next : previous)();
});
