// The phone app's identification: photos are downscaled in the browser to 1280 px on the long
// side (as the reference service does), each tagged with an organ, then sent to /api/identify.
(function () {
  'use strict';
  const MAX_SIDE = 1280, MAX_PHOTOS = 5;
  const organs = ['auto', 'leaf', 'flower', 'fruit', 'bark', 'habit', 'other'];
  const input = document.getElementById('photos');
  const previews = document.getElementById('previews');
  const go = document.getElementById('go');
  const status = document.getElementById('status');
  const results = document.getElementById('results');
  const lang = (navigator.language || 'en').slice(0, 2);
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
    const files = [...input.files].slice(0, MAX_PHOTOS - photos.length);
    status.textContent = files.length ? 'Preparing photos…' : '';
    for (const file of files) {
      try {
        photos.push({ name: file.name, blob: await downscale(file), organ: 'auto' });
      } catch {
        status.textContent = file.name + ' is not a photo this app can read.';
      }
    }
    input.value = '';
    render();
    if (photos.length) status.textContent = '';
  });

  function render() {
    previews.replaceChildren(...photos.map((p, i) => {
      const li = document.createElement('li');
      const img = document.createElement('img');
      img.src = URL.createObjectURL(p.blob);
      img.alt = p.name;
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

  document.getElementById('identify').addEventListener('submit', async e => {
    e.preventDefault();
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
          img.alt = 'Reference photo of ' + res.species.scientificNameWithoutAuthor;
          li.prepend(img);
        }
        return li;
      }));
    } catch {
      status.textContent = 'No network: try again when you are back online.';
    }
  });
})();
