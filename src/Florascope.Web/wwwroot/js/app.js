// The phone app's identification (/ and /app): photos taken or chosen, downscaled in the browser to
// 1280 px on the long side (as the reference service does), each tagged with an organ by tapping its
// icon, sent to /api/identify; the answer as cards (app-results.js); then kept as an observation, or in
// the outbox (outbox.js) without network.
import { ready, t, f, lang, el, organName, signedIn, loadLeaflet, tileLayer, serverLimits, autocomplete } from './shared.js';
// Not needed before the page is usable (on a phone network every file waits its turn): the outbox
// (IndexedDB), EXIF reading and the flora choices load beside it; the import map gives their hashed URLs.
const outboxReady = import('./outbox.js');
const exifReady = import('./exif.js');
const florasReady = import('./flora-choices.js').then(m => m.florasReady);

const MAX_SIDE = 1280;
// Enough results for the folded "More suggestions" below the meaningful ones.
const RESULTS = 10;
const ORGANS = ['leaf', 'flower', 'fruit', 'bark', 'habit', 'other'];
const field = id => document.getElementById(id);
const camera = field('camera');
const input = field('photos');
const previews = field('previews');
const go = field('go');
const status = field('status');
const results = field('results');
const more = field('more');
const save = field('save');
const saved = field('saved');
const queue = field('queue');
// The person as this device knows them (the session hint cookie): right offline too.
const who = signedIn();
let photos = [];

await ready;
// The server's limits came with the page; the server's own refusal stays the guard without them.
const limits = serverLimits();
const maxPhotos = limits ? limits.maxImagesPerRequest : Infinity;
if (limits) document.body.dataset.limits = 'shown';

async function downscale(file, side = MAX_SIDE) {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise(resolve => canvas.toBlob(resolve, 'image/jpeg', 0.9));
}

function say(text, flag) {
  status.textContent = text;
  for (const k of ['toomany', 'offline']) delete status.dataset[k];
  if (flag) status.dataset[flag] = '1';
}

async function add(chosen) {
  const files = chosen.slice(0, Math.max(0, maxPhotos - photos.length));
  // More than the server takes: the first are kept, and the person is told so rather than left to count.
  const tooMany = files.length < chosen.length ? t('app.toomany', 'At most ' + maxPhotos + ' photos of one plant: the first ones are kept.') : null;
  say(files.length ? t('app.preparing', 'Preparing photos…') : '');
  let unreadable = null;
  for (const file of files) {
    try {
      photos.push({ name: file.name, blob: await downscale(file), organ: 'auto', exif: await (await exifReady).readExif(file) });
    } catch {
      unreadable = f('app.unreadable', '{name} is not a photo this app can read.', { name: file.name });
    }
  }
  render();
  if (tooMany) say(tooMany, 'toomany'); else say(unreadable || '');
}
for (const picker of [camera, input]) {
  picker.addEventListener('change', async () => {
    const chosen = [...picker.files];
    picker.value = '';
    await add(chosen);
  });
}

const svg = (tag, attrs) => { const e = document.createElementNS('http://www.w3.org/2000/svg', tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); return e; };

function organButtons(p, i) {
  const group = el('div', null, { class: 'organs', role: 'group', 'aria-label': f('app.organof', 'Organ of photo {n}', { n: i + 1 }) });
  const chosen = el('span', null, { class: 'organ-chosen' });
  const update = () => {
    for (const b of group.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.organ === p.organ));
    chosen.textContent = p.organ === 'auto' ? t('app.organ.auto', 'Organ: let the app tell') : f('app.organ.chosen', 'Organ: {organ}', { organ: organName(p.organ) });
  };
  for (const organ of ORGANS) {
    const b = el('button', null, { type: 'button', class: 'organ', 'data-organ': organ, 'aria-label': organName(organ) });
    const icon = svg('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' });
    icon.append(svg('use', { href: '#organ-' + organ }));
    b.append(icon, el('span', organName(organ)));
    // A second tap on the chosen organ leaves it to the model again.
    b.addEventListener('click', () => { p.organ = p.organ === organ ? 'auto' : organ; update(); keep(); });
    group.append(b);
  }
  update();
  return [group, chosen];
}

function render() {
  previews.replaceChildren(...photos.map((p, i) => {
    const li = el('li', null, { class: 'preview' });
    p.url ??= URL.createObjectURL(p.blob);
    const img = el('img', null, { src: p.url, alt: f('alt.yours', 'Your photo {n}', { n: i + 1 }) });
    const remove = el('button', t('app.remove', 'Remove'), { type: 'button', class: 'remove', 'aria-label': f('app.removephoto', 'Remove photo {n}', { n: i + 1 }) });
    remove.addEventListener('click', () => { URL.revokeObjectURL(p.url); photos.splice(i, 1); render(); });
    li.append(img, ...organButtons(p, i), remove);
    return li;
  }));
  go.disabled = photos.length === 0;
  // The tips are for the first photo; once there is one they make room for the photos.
  field('tips').hidden = photos.length > 0;
  keep();
}

// Signed out, the photos wait on this device, so that signing in to keep them does not lose them.
function keep() {
  if (who) return;
  outboxReady.then(outbox => outbox.keepPending(photos.map(({ name, blob, organ, exif }) => ({ name, blob, organ, exif }))))
    .catch(() => { /* storage off: not kept */ });
}

// One request at a time: a double tap would otherwise send (and count) the photos twice.
let identifying = false;
field('identify').addEventListener('submit', async e => {
  e.preventDefault();
  if (identifying) return;
  identifying = true;
  go.disabled = true;
  try { await identify(); } finally { identifying = false; go.disabled = photos.length === 0; }
});

async function identify() {
  const form = new FormData();
  for (const p of photos) { form.append('images', p.blob, p.name); form.append('organs', p.organ); }
  say(t('app.identifying', 'Identifying…'));
  results.replaceChildren();
  more.hidden = true;
  const project = field('project').value;
  // The cards' code (and the photo viewer's) is loaded while the photos travel: not before the page is usable.
  const cards = import('./app-results.js');
  cards.catch(() => { /* without network and not cached: the offline path below never needs it */ });
  let r, body;
  try {
    r = await fetch('/api/identify/' + encodeURIComponent(project) + '?include-related-images=true&nb-results=' + RESULTS + '&lang=' + lang,
      { method: 'POST', body: form, credentials: 'same-origin' });
    body = await r.json();
  } catch {
    // No network: the plant can still be kept, unidentified, and sent later.
    say(t('app.offline.identify', 'No network: keep it now as an observation; it will be sent when you are back online.'), 'offline');
    offerSave([]);
    return;
  }
  // 404 is the engine's "not a plant" (the project comes from the server's own list).
  if (!r.ok) { say(r.status === 404 ? t('app.notaplant', 'This does not look like a plant.') : body.message); return; }
  // Said in the status line (a live region), so a screen reader hears that the answer is in.
  say(f('app.found', 'Suggestions: {n}. The first: {taxon}.', { n: body.results.length.toLocaleString(lang), taxon: body.results[0].species.scientificNameWithoutAuthor }));
  offerSave(body.results);
  const { card, splitResults } = await cards;
  const { shown, more: folded } = splitResults(body.results);
  results.replaceChildren(...shown.map(x => card(x, pick)));
  field('more-results').replaceChildren(...folded.map(x => card(x, pick)));
  more.hidden = folded.length === 0;
  more.open = false;
  // With several photos the answer starts below the screen: bring its first card into view.
  results.firstElementChild?.scrollIntoView({ block: 'start', behavior: 'instant' });
}

// "This one": the card's taxon becomes the observation's, in one tap.
function pick(name, button) {
  for (const b of document.querySelectorAll('.id-card .pick')) b.setAttribute('aria-pressed', String(b === button));
  if (!who) { field('signin-to-keep')?.focus(); return; }
  const taxon = field('taxon');
  if (![...taxon.options].some(o => o.value === name)) taxon.add(new Option(name, name), 0);
  taxon.value = name;
  field('typed').value = '';
  save.scrollIntoView({ block: 'start', behavior: 'instant' });
}

// Saving, for a signed-in person: time and place from the photos' EXIF first, else now and the device's position.
let takenOffset = null;
function offerSave(list) {
  if (!who) { signInToKeep(); return; }
  // Offline the form can still be offered: the session hint says who is signed in.
  const taxon = field('taxon');
  taxon.replaceChildren(...list.map(r => new Option(r.species.scientificNameWithoutAuthor, r.species.scientificNameWithoutAuthor)),
    new Option(t('app.dontknow', "I don't know"), ''));
  prefill(photos.map(p => p.exif));
}

// A link to sign in that comes back here (the photos are kept on the device meanwhile).
function signInToKeep() {
  const link = el('a', t('app.signintokeep', 'Sign in to keep it as an observation.'), { href: '/account?return=/app', id: 'signin-to-keep' });
  saved.replaceChildren(link);
}

// The save form shown with the time and place of the photos (their EXIF), else now; the plot mode's too.
function prefill(exifs) {
  const exif = exifs.find(x => x && x.taken) || {};
  const place = exifs.find(x => x && x.lat !== null && x.lat !== undefined) || {};
  const when = exif.taken || new Date();
  // The field shows the camera's wall-clock time; with the camera's offset it is read at that offset, not this device's.
  takenOffset = exif.taken && exif.offset !== null && exif.offset !== undefined ? exif.offset : null;
  field('when').value = new Date(when.getTime() - when.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  if (place.lat != null) { field('lat').value = place.lat.toFixed(6); field('lon').value = place.lon.toFixed(6); field('acc').value = '30'; }
  clientId = null; // a new identification offers a new observation to save
  save.hidden = false;
  showPlace();
}

// A pick on the map sets the position too; the marker follows the fields whatever set them.
let pickMap = null, pickMarker = null;
async function showPlace() {
  let L;
  try { L = await loadLeaflet(); } catch { return; /* offline and not cached: the fields still work */ }
  const lat = parseFloat(field('lat').value), lon = parseFloat(field('lon').value);
  const has = Number.isFinite(lat) && Number.isFinite(lon);
  if (!pickMap) {
    field('pick').style.display = 'block';
    pickMap = L.map('pick').setView(has ? [lat, lon] : [46, 2], has ? 13 : 4);
    tileLayer(L).addTo(pickMap);
    pickMap.on('click', e => {
      field('lat').value = e.latlng.lat.toFixed(6);
      field('lon').value = e.latlng.lng.toFixed(6);
      field('acc').value = String(Math.round(40075000 / Math.pow(2, pickMap.getZoom() + 8) * 20));
      showPlace();
    });
  }
  if (!has) return;
  if (pickMarker) pickMarker.setLatLng([lat, lon]); else pickMarker = L.marker([lat, lon]).addTo(pickMap);
}
for (const id of ['lat', 'lon']) field(id).addEventListener('change', showPlace);

field('locate').addEventListener('click', () => navigator.geolocation.getCurrentPosition(p => {
  field('lat').value = p.coords.latitude.toFixed(6);
  field('lon').value = p.coords.longitude.toFixed(6);
  field('acc').value = Math.round(p.coords.accuracy);
  showPlace();
}, () => { saved.textContent = t('app.noposition', 'The position is not available: pick it by hand.'); }, { enableHighAccuracy: true, timeout: 15000 }));

// The client id of the observation being saved: the same for every try of this save (a lost answer,
// a second tap after an error, the outbox), a new one once it is saved.
let clientId = null;
save.addEventListener('submit', async e => {
  e.preventDefault();
  // In plot mode the same fields make one observation per chosen species (app-plot.js).
  if (mode === 'plot') { await plot.keep(fields()); return; }
  const outbox = await outboxReady;
  clientId = clientId || outbox.newClientId();
  const item = { photos: photos.map(p => ({ blob: p.blob, name: p.name, organ: p.organ })), fields: fields(), clientId };
  let r = null;
  try { r = await outbox.send(item); } catch { r = null; }
  if (r === null) {
    await outbox.add(item);
    clientId = null;
    save.hidden = true;
    saved.textContent = t('app.offline.saved', 'No network: the observation waits on this phone and will be sent when you are back online.');
    saved.dataset.offline = '1';
    return;
  }
  const body = await r.json();
  if (!r.ok) { saved.textContent = body.message; return; }
  clientId = null;
  save.hidden = true;
  const link = el('a', f('app.savedas', 'Saved as observation {id}.', { id: body.id }), { href: '/observations/' + encodeURIComponent(body.id) });
  saved.replaceChildren(link);
  delete saved.dataset.offline;
  saved.dataset.observation = body.id;
});

// Typing a name: scientific, vernacular (any language) and synonym names.
autocomplete(field('typed'), field('names'), () => field('project').value);

// The time seen and the observer's UTC offset (minutes): the photo's EXIF offset, else this browser's on that date.
function observed(wall) {
  const offset = takenOffset !== null ? takenOffset : -new Date(wall).getTimezoneOffset();
  return { observedUtc: new Date(Date.parse(wall + 'Z') - offset * 60000).toISOString(), observedOffset: String(offset) };
}

function fields() {
  return {
    taxon: field('typed').value.trim() || field('taxon').value, ...observed(field('when').value), latitude: field('lat').value,
    longitude: field('lon').value, uncertainty: field('acc').value, geoprivacy: field('geoprivacy').value, notes: field('notes').value, license: field('license').value,
    project: field('project').value,
  };
}

// One plant or a plot: the plot mode (app-plot.js) loads on its first use and shares the status line and the save form.
let mode = 'one', plot = null;
const saveTitle = save.querySelector('h2'), saveButton = save.querySelector('button[type=submit]');
const oneTexts = [saveTitle.textContent, saveButton.textContent];
async function switchMode(to) {
  if (to === mode) return;
  mode = to;
  const inPlot = to === 'plot';
  for (const b of [field('mode-one'), field('mode-plot')]) b.setAttribute('aria-pressed', String(b.id === 'mode-' + to));
  field('identify').hidden = inPlot;
  field('plot').hidden = !inPlot;
  results.replaceChildren();
  more.hidden = true;
  save.hidden = true;
  saved.replaceChildren();
  say('');
  // The save form without the one-plant identification: each chosen species is its observation's taxon.
  for (const id of ['taxon', 'typed']) field(id).closest('label').hidden = inPlot;
  saveTitle.textContent = inPlot ? t('plot.keep', 'Keep as observations') : oneTexts[0];
  saveButton.textContent = inPlot ? t('plot.keep', 'Keep as observations') : oneTexts[1];
  if (inPlot && !plot) {
    try {
      const { start } = await import('./app-plot.js');
      plot = start({ say, fields, prefill, signInToKeep, downscale, who, outboxReady, exifReady, save, saved });
    } catch {
      // Offline before the plot mode was ever cached: a plot needs the server anyway.
      say(t('plot.offline', 'No network: a plot is surveyed by the server; try again when you are back online.'));
      return;
    }
  }
  plot?.show(inPlot);
}
for (const b of [field('mode-one'), field('mode-plot')]) b.addEventListener('click', () => switchMode(b.id.slice('mode-'.length)));

function showQueue(n) {
  queue.hidden = n === 0;
  queue.textContent = n === 1 ? t('app.queue.one', '1 observation waits to be sent.') : f('app.queue.many', '{n} observations wait to be sent.', { n: n.toLocaleString(lang) });
  queue.dataset.count = String(n);
}

// Usable now: the texts and limits came with the page; the floras' choices follow.
// The plot's pickers wait for their module (app-plot.js enables them once it listens): a photo chosen before would be lost.
for (const picker of [camera, input]) picker.disabled = false;
const outbox = await outboxReady;
outbox.onChange((n, error) => {
  if (error) { saved.textContent = f('app.refused', 'A waiting observation was refused: {message}', { message: error }); delete saved.dataset.offline; return; }
  // Everything waiting is sent: the "No network" messages are no longer true.
  if (n === 0) {
    for (const e of [saved, status]) if (e.dataset.offline) { e.textContent = ''; delete e.dataset.offline; }
  }
  showQueue(n);
});
// Back from signing in: the photos chosen before are here again.
if (who) {
  const kept = await outbox.takePending();
  if (kept.length) {
    photos = [...kept, ...photos].slice(0, maxPhotos);
    render();
    say(t('app.restored', 'Your photos are back: tap Identify.'));
  }
}
await florasReady;
outbox.count().then(n => { if (n) showQueue(n); outbox.flush(); }).catch(() => { /* storage off */ });
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js');
// Tests and scripts wait for this before using the page.
document.body.dataset.ready = '1';
