// The phone app's plot mode (issue 15): one photo of a whole plot, surveyed by /api/survey (the server cuts it
// into overlapping windows of several sizes and names the species of each). The answer: the photo with the
// windows of a tapped species outlined, the species by coverage, and one observation kept per chosen species,
// each with the same photo, through the app's save form (app.js) and outbox.
import { t, f, lang, el, percent } from './shared.js';

// Larger than quick identification's 1280 px: the survey's smallest window is 600 px of the photo as sent, and
// such a window must still see single plants; at 1280 px a whole plot would make a few windows of many plants
// each. 3000 px keeps three quarters of a 12 MP photo's long side (4000 px) at about half its bytes.
export const PLOT_SIDE = 3000;
const SVG = 'http://www.w3.org/2000/svg';

/** The species the answer keeps (no `reject`), by coverage then best score, as the list shows them. */
export function keptSpecies(answer) {
  const all = (answer && answer.results && Array.isArray(answer.results.species)) ? answer.results.species : [];
  return all.filter(s => !s.reject).sort((a, b) => (b.coverage - a.coverage) || (b.max_score - a.max_score));
}

/** Each window of a species as a square in the photo's pixels ({x, y, size}: the top-left corner), from its centre and side. */
export function tileSquares(locations) {
  return (locations || []).map(l => ({ x: l.center.x - l.size / 2, y: l.center.y - l.size / 2, size: l.size }));
}

/** The name a person reads first: the vernacular name in the page's language, else the scientific one. */
const sciName = s => s.binomial || s.name;
const common = s => (Array.isArray(s.common_names) && s.common_names.length ? s.common_names[0] : null);

/**
 * Starts the plot mode on the app page; `app` is what app.js shares: say (the status line), fields (the save
 * form's fields), prefill (shows the save form with a photo's time and place), signInToKeep, downscale, who,
 * outboxReady, exifReady, save, saved. Returns { show(on), keep(fields) }.
 */
export function start(app) {
  const field = id => document.getElementById(id);
  const answerBox = field('plot-answer'), img = field('plot-img'), tiles = field('plot-tiles'), list = field('plot-species');
  let shot = null; // { blob, name, url, exif }: the photo as surveyed, the one every kept observation carries
  let species = []; // the kept species, each { entry, chosen, clientId, savedAs }
  let surveying = false, keeping = false;

  async function choose(file) {
    if (surveying) return;
    surveying = true;
    try {
      app.say(t('app.preparing', 'Preparing photos…'));
      let blob, exif;
      try {
        blob = await app.downscale(file, PLOT_SIDE);
        exif = await (await app.exifReady).readExif(file);
      } catch {
        app.say(f('app.unreadable', '{name} is not a photo this app can read.', { name: file.name }));
        return;
      }
      if (shot) URL.revokeObjectURL(shot.url);
      shot = { blob, name: 'plot.jpg', url: URL.createObjectURL(blob), exif };
      await survey();
    } finally { surveying = false; }
  }

  async function survey() {
    answerBox.hidden = true;
    app.save.hidden = true;
    app.saved.replaceChildren();
    delete answerBox.dataset.answered;
    app.say(t('plot.surveying', 'Looking for every species in the plot: this takes a few seconds…'));
    const form = new FormData();
    form.append('image', shot.blob, shot.name);
    form.append('show_species', 'true');
    let r, body;
    try {
      r = await fetch('/api/survey/' + encodeURIComponent(field('plot-project').value) + '?lang=' + lang,
        { method: 'POST', body: form, credentials: 'same-origin' });
      body = await r.json();
    } catch {
      app.say(t('plot.offline', 'No network: a plot is surveyed by the server; try again when you are back online.'));
      return;
    }
    // As for one plant: the server's own words (too many today, busy, a photo it cannot read).
    if (!r.ok) { app.say(body.message || String(r.status)); return; }
    show(body);
  }

  function show(answer) {
    species = keptSpecies(answer).map(entry => ({ entry, chosen: false, clientId: null, savedAs: null }));
    const image = answer.results.image;
    img.src = shot.url;
    img.alt = t('plot.alt', 'Your plot photo');
    // The SVG draws in the photo's own pixels and is stretched over the photo as shown.
    tiles.setAttribute('viewBox', `0 0 ${image.width} ${image.height}`);
    tiles.setAttribute('preserveAspectRatio', 'none');
    tiles.replaceChildren();
    list.replaceChildren(...species.map(item));
    const n = species.length;
    const summary = f('plot.summary', '{n} species found; {uncovered} of the photo named no species.',
      { n: n.toLocaleString(lang), uncovered: percent(answer.results.uncovered) });
    const left = answer.results.species.length - n;
    field('plot-rejected').textContent = left > 0 ? f('plot.rejected', '{n} more left out: too little evidence in the photo.', { n: left.toLocaleString(lang) }) : '';
    answerBox.hidden = false;
    answerBox.dataset.answered = String(n);
    // The status line (a live region) says it, so a screen reader hears that the answer is in.
    app.say(summary);
    if (!app.who) app.signInToKeep(); else if (n) app.prefill([shot.exif]);
  }

  function item(s) {
    const e = s.entry, name = sciName(e), vernacular = common(e);
    const li = el('li', null, { class: 'plot-sp', 'data-taxon': name });
    const b = el('button', null, { type: 'button', class: 'plot-show', 'aria-pressed': 'false' });
    if (vernacular) b.append(el('span', vernacular, { class: 'common' }));
    b.append(el('span', name, { class: 'sci', lang: 'la' }),
      el('span', f('plot.figures', '{coverage} of the photo, {count} windows', { coverage: percent(e.coverage), count: e.count.toLocaleString(lang) }), { class: 'figures' }));
    b.addEventListener('click', () => outline(s, b));
    const box = el('input', null, { type: 'checkbox', class: 'plot-keep' });
    box.addEventListener('change', () => { s.chosen = box.checked; });
    const choose = el('label', null, { class: 'plot-choose' });
    choose.append(box, el('span', t('plot.choose', 'Keep')));
    box.setAttribute('aria-label', f('plot.chooseone', 'Keep {taxon} as an observation', { taxon: vernacular ? vernacular + ' (' + name + ')' : name }));
    li.append(b, choose);
    return li;
  }

  // One species' windows at a time: a second tap on it clears them.
  function outline(s, button) {
    const on = button.getAttribute('aria-pressed') !== 'true';
    for (const other of list.querySelectorAll('.plot-show')) other.setAttribute('aria-pressed', String(on && other === button));
    tiles.replaceChildren(...(on ? tileSquares(s.entry.location) : []).map(q => {
      const rect = document.createElementNS(SVG, 'rect');
      for (const [k, v] of Object.entries({ x: q.x, y: q.y, width: q.size, height: q.size, 'vector-effect': 'non-scaling-stroke' })) rect.setAttribute(k, String(v));
      return rect;
    }));
    tiles.dataset.taxon = on ? sciName(s.entry) : '';
  }

  /** One observation per chosen species: the same photo, the species as the author's identification, plot=true. */
  async function keep(fields) {
    if (keeping) return;
    const chosen = species.filter(s => s.chosen && !s.savedAs);
    if (!chosen.length) { app.saved.textContent = t('plot.nonechosen', 'Tick the species to keep first.'); return; }
    keeping = true;
    try {
      const outbox = await app.outboxReady;
      for (const s of chosen) {
        // Its own client id, the same for every try of it (a lost answer, a second tap, the outbox).
        s.clientId = s.clientId || outbox.newClientId();
        const it = { photos: [{ blob: shot.blob, name: shot.name, organ: 'auto' }], fields: { ...fields, taxon: sciName(s.entry), project: field('plot-project').value, plot: 'true' }, clientId: s.clientId };
        let r = null;
        try { r = await outbox.send(it); } catch { r = null; }
        if (r === null) { await outbox.add(it); s.savedAs = 'outbox'; continue; }
        const body = await r.json().catch(() => ({}));
        // Refused (as for one plant, the server's words): the ones kept before are still listed.
        if (!r.ok) { kept(); app.saved.append(el('span', body.message || String(r.status), { class: 'refused' })); return; }
        s.savedAs = body.id;
      }
      kept();
    } finally { keeping = false; }
  }

  function kept() {
    const done = species.filter(s => s.savedAs && s.savedAs !== 'outbox'), waiting = species.filter(s => s.savedAs === 'outbox');
    // Species not kept yet can still be ticked and kept with the same fields.
    app.save.hidden = species.every(s => s.savedAs);
    const line = el('span', done.length === 1 ? t('plot.kept.one', '1 observation kept:') : f('plot.kept.many', '{n} observations kept:', { n: done.length.toLocaleString(lang) }));
    const links = done.map(s => el('a', sciName(s.entry), { href: '/observations/' + encodeURIComponent(s.savedAs), 'data-observation': String(s.savedAs) }));
    app.saved.replaceChildren(line, ...links);
    if (waiting.length) app.saved.append(el('span', f('plot.waiting', '{n} wait on this phone and will be sent when you are back online.', { n: waiting.length.toLocaleString(lang) })));
    app.saved.dataset.observations = done.map(s => s.savedAs).join(',');
    for (const li of list.querySelectorAll('li')) {
      const s = species.find(x => sciName(x.entry) === li.dataset.taxon);
      if (s && s.savedAs) { li.dataset.kept = '1'; li.querySelector('input').disabled = true; }
    }
  }

  for (const picker of [field('plot-camera'), field('plot-photo')]) {
    picker.addEventListener('change', async () => {
      const file = picker.files[0];
      picker.value = '';
      if (file) await choose(file);
    });
    // Usable only now that it is listened to (app.js leaves the plot's pickers disabled until then).
    picker.disabled = false;
  }

  return {
    show(on) {
      answerBox.hidden = !on || !answerBox.dataset.answered;
      if (on && answerBox.dataset.answered) {
        if (!app.who) app.signInToKeep(); else if (species.some(s => !s.savedAs)) app.prefill([shot.exif]);
      }
    },
    keep,
  };
}
