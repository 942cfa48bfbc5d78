// The phone app's identification: photos are downscaled in the browser to 1280 px on the long
// side (as the reference service does), each tagged with an organ, then sent to /api/identify.
(function () {
  'use strict';
  const MAX_SIDE = 1280;
  // The server's limits (GET /api/limits, from its settings), never written by hand here; until
  // they arrive (or offline) the server's own refusal stays the guard.
  let maxPhotos = Infinity;
  window.i18n.ready.then(() => {
    const limits = window.i18n.limits;
    if (!limits) return;
    maxPhotos = limits.maxImagesPerRequest;
    document.getElementById('photos-label').textContent = window.i18n.t('app.photos', 'Take or choose photos of one plant');
    document.getElementById('limits').textContent = window.i18n.t('app.limits', '');
    document.body.dataset.limits = 'shown';
  }).catch(() => { /* offline: the page keeps its general wording */ });
  const organs = ['auto', 'leaf', 'flower', 'fruit', 'bark', 'habit', 'other'];
  const input = document.getElementById('photos');
  const previews = document.getElementById('previews');
  const go = document.getElementById('go');
  const status = document.getElementById('status');
  const results = document.getElementById('results');
  // Vernacular names follow the interface language (js/i18n.js sets it on the page).
  const lang = document.documentElement.lang || 'en';
  let photos = [];

  async function downscale(file) {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return new Promise(resolve => canvas.toBlob(resolve, 'image/jpeg', 0.9));
  }

  input.addEventListener('change', async () => {
    const chosen = [...input.files];
    const files = chosen.slice(0, Math.max(0, maxPhotos - photos.length));
    // More than the server takes: the first are kept, and the person is told so rather than left to count.
    const tooMany = files.length < chosen.length
      ? window.i18n.t('app.toomany', 'At most ' + maxPhotos + ' photos of one plant: the first ones are kept.') : null;
    status.textContent = files.length ? 'Preparing photos…' : '';
    for (const file of files) {
      try {
        photos.push({ name: file.name, blob: await downscale(file), organ: 'auto', exif: await window.readExif(file) });
      } catch {
        status.textContent = file.name + ' is not a photo this app can read.';
      }
    }
    input.value = '';
    render();
    if (photos.length) status.textContent = '';
    if (tooMany) { status.textContent = tooMany; status.dataset.toomany = '1'; } else delete status.dataset.toomany;
  });

  function render() {
    previews.replaceChildren(...photos.map((p, i) => {
      const li = document.createElement('li');
      const img = document.createElement('img');
      img.src = URL.createObjectURL(p.blob);
      img.alt = window.i18n.t('alt.yours', 'Your photo {n}').replace('{n}', String(i + 1));
      const select = document.createElement('select');
      select.setAttribute('aria-label', 'Organ of photo ' + (i + 1));
      for (const o of organs) select.add(new Option(o, o, false, o === p.organ));
      select.addEventListener('change', () => { p.organ = select.value; });
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = 'Remove';
      remove.addEventListener('click', () => { photos.splice(i, 1); render(); });
      li.append(img, select, remove);
      return li;
    }));
    go.disabled = photos.length === 0;
  }

  // One request at a time: a double tap would otherwise send (and count) the photos twice.
  let identifying = false;
  document.getElementById('identify').addEventListener('submit', async e => {
    e.preventDefault();
    if (identifying) return;
    identifying = true;
    go.disabled = true;
    try { await identify(); } finally { identifying = false; go.disabled = photos.length === 0; }
  });

  async function identify() {
    const form = new FormData();
    for (const p of photos) { form.append('images', p.blob, p.name); form.append('organs', p.organ); }
    status.textContent = 'Identifying…';
    results.replaceChildren();
    const project = document.getElementById('project').value;
    try {
      const r = await fetch('/api/identify/' + encodeURIComponent(project) + '?include-related-images=true&nb-results=5&lang=' + lang,
        { method: 'POST', body: form, credentials: 'same-origin' });
      const body = await r.json();
      if (!r.ok) { status.textContent = body.message === 'Species not found' ? 'This does not look like a plant.' : body.message; return; }
      status.textContent = '';
      offerSave(body.results);
      results.replaceChildren(...body.results.map(res => {
        const li = document.createElement('li');
        const name = document.createElement('strong');
        name.textContent = res.species.scientificNameWithoutAuthor;
        const common = document.createElement('span');
        common.textContent = res.species.commonNames.slice(0, 2).join(', ');
        const score = document.createElement('span');
        score.className = 'score';
        score.textContent = Math.round(res.score * 100) + ' %';
        li.append(name, common, score);
        if (res.images && res.images[0]) {
          const img = document.createElement('img');
          img.src = res.images[0].url.s;
          img.alt = window.i18n.photoAlt(res.species.scientificNameWithoutAuthor, res.images[0].organ, 'reference');
          li.prepend(img);
        }
        return li;
      }));
    } catch {
      // No network: the plant can still be kept, unidentified, and sent later.
      status.textContent = 'No network: keep it now as an observation; it will be sent when you are back online.';
      status.dataset.offline = '1';
      offerSave([]);
    }
  }

  // Saving, for a signed-in person: time and place from the photos' EXIF first, else now and the device's position.
  const save = document.getElementById('save');
  const saved = document.getElementById('saved');
  const field = id => document.getElementById(id);
  let signedIn = false;
  // /session answers 204 when signed out (no 401 logged on an anonymous visit).
  fetch('/api/account/session', { credentials: 'same-origin' }).then(r => {
    signedIn = r.status === 200;
    if (signedIn) { field('account').textContent = (window.i18n.texts['nav.account'] || 'Account'); field('account').dataset.i18n = 'nav.account'; field('account').href = '/account'; }
  });

  let takenOffset = null;
  function offerSave(list) {
    if (!signedIn) {
      // A link to sign in that comes back here.
      const link = document.createElement('a');
      link.href = '/account?return=/app';
      link.id = 'signin-to-keep';
      link.textContent = window.i18n.t('app.signintokeep', 'Sign in to keep it as an observation.');
      saved.replaceChildren(link);
      return;
    }
    // Offline the form can still be offered: the page knew it was signed in before the network went.
    const taxon = field('taxon');
    taxon.replaceChildren(...list.map(r => new Option(r.species.scientificNameWithoutAuthor, r.species.scientificNameWithoutAuthor)),
      new Option("I don't know", ''));
    const exif = photos.map(p => p.exif).find(x => x && x.taken) || {};
    const place = photos.map(p => p.exif).find(x => x && x.lat !== null) || {};
    const when = exif.taken || new Date();
    // The field shows the camera's wall-clock time; with the camera's offset it is read at that offset, not this device's.
    takenOffset = exif.taken && exif.offset !== null && exif.offset !== undefined ? exif.offset : null;
    field('when').value = new Date(when.getTime() - when.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    if (place.lat != null) { field('lat').value = place.lat.toFixed(6); field('lon').value = place.lon.toFixed(6); field('acc').value = '30'; }
    save.hidden = false;
    showPlace();
  }

  // A pick on the map sets the position too; the marker follows the fields whatever set them.
  let pickMap = null, pickMarker = null, leaflet = null;
  // Leaflet (most of the page's weight) loads only when the position map is first shown.
  function loadLeaflet() {
    // The map is drawn once both its script and its styles are in (unstyled controls would flash).
    const load = (element, attribute, url) => new Promise((resolve, reject) => {
      element[attribute] = url;
      element.onload = resolve;
      element.onerror = () => reject(new Error(url));
      document.head.append(element);
    });
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    leaflet ??= Promise.all([load(css, 'href', '/lib/leaflet/leaflet.css'), load(document.createElement('script'), 'src', '/lib/leaflet/leaflet.js')])
      .catch(e => { leaflet = null; throw e; });
    return leaflet;
  }
  async function showPlace() {
    try { await loadLeaflet(); } catch { return; /* offline and not cached: the fields still work */ }
    if (!window.L) return;
    const lat = parseFloat(field('lat').value), lon = parseFloat(field('lon').value);
    const has = Number.isFinite(lat) && Number.isFinite(lon);
    if (!pickMap) {
      field('pick').style.display = 'block';
      pickMap = L.map('pick').setView(has ? [lat, lon] : [46, 2], has ? 13 : 4);
      L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', { maxZoom: 19, attribution: '&copy; OpenStreetMap contributors' }).addTo(pickMap);
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
  }, () => { saved.textContent = 'The position is not available: pick it by hand.'; }, { enableHighAccuracy: true, timeout: 15000 }));

  save.addEventListener('submit', async e => {
    e.preventDefault();
    const item = { photos: photos.map(p => ({ blob: p.blob, name: p.name, organ: p.organ })), fields: fields() };
    let r = null;
    try {
      r = await window.outbox.send(item);
    } catch {
      r = null;
    }
    if (r === null) {
      await window.outbox.add(item);
      save.hidden = true;
      saved.textContent = 'No network: the observation waits on this phone and will be sent when you are back online.';
      saved.dataset.offline = '1';
      return;
    }
    const body = await r.json();
    if (!r.ok) { saved.textContent = body.message; return; }
    save.hidden = true;
    const link = document.createElement('a');
    link.href = '/observations/' + encodeURIComponent(body.id);
    link.textContent = window.i18n.t('app.savedas', 'Saved as observation {id}.').replace('{id}', String(body.id));
    saved.replaceChildren(link);
    delete saved.dataset.offline;
    saved.dataset.observation = body.id;
  });

  // Typing a name: suggestions from the checklist, scientific and vernacular names in the page's language.
  let typing = null;
  field('typed').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(async () => {
      const r = await fetch('/api/taxa?limit=10&lang=' + lang + '&prefix=' + encodeURIComponent(field('typed').value));
      if (!r.ok) return;
      field('names').replaceChildren(...(await r.json()).map(t => new Option(t.commonNames.join(', '), t.name)));
    }, 150);
  });

  // The time seen and the observer's UTC offset (minutes): the photo's EXIF offset, else this browser's on that date.
  function observed(wall) {
    const offset = takenOffset !== null ? takenOffset : -new Date(wall).getTimezoneOffset();
    return { observedUtc: new Date(Date.parse(wall + 'Z') - offset * 60000).toISOString(), observedOffset: String(offset) };
  }

  function fields() {
    return {
      taxon: field('typed').value.trim() || field('taxon').value, ...observed(field('when').value), latitude: field('lat').value,
      longitude: field('lon').value, uncertainty: field('acc').value, geoprivacy: field('geoprivacy').value, notes: field('notes').value, license: field('license').value,
      project: document.getElementById('project').value
    };
  }

  const queue = document.getElementById('queue');
  window.outbox.onChange((n, error) => {
    if (error) { saved.textContent = 'A waiting observation was refused: ' + error; delete saved.dataset.offline; return; }
    // Everything waiting is sent: the "No network" messages are no longer true.
    if (n === 0) {
      for (const e of [saved, status]) if (e.dataset.offline) { e.textContent = ''; delete e.dataset.offline; }
    }
    queue.hidden = n === 0;
    queue.textContent = n + (n === 1 ? ' observation waits' : ' observations wait') + ' to be sent.';
    queue.dataset.count = String(n);
  });
  window.outbox.count().then(n => { if (n) { queue.hidden = false; queue.textContent = n + ' waiting to be sent.'; queue.dataset.count = String(n); } window.outbox.flush(); });
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js');
  // Tests and scripts wait for this before using the page.
  document.body.dataset.ready = '1';
})();
