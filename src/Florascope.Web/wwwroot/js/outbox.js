// Observations made without network wait in IndexedDB ("outbox") and are sent, oldest first,
// when the network comes back; the page shows how many are waiting. The same database keeps the
// photos chosen before signing in ("pending"), so the sign-in round trip does not lose them.
import { token, signedIn } from './shared.js';

const DB = 'florascope', STORE = 'outbox', PENDING = 'pending';
function open() {
  return new Promise((resolve, reject) => {
    // Version 2 adds the pending photos; a phone with version 1 keeps its waiting observations.
    const r = indexedDB.open(DB, 2);
    r.onupgradeneeded = () => {
      for (const name of [STORE, PENDING]) if (!r.result.objectStoreNames.contains(name)) r.result.createObjectStore(name, { keyPath: 'id', autoIncrement: true });
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}
async function tx(store, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(store, mode);
    const result = work(t.objectStore(store));
    t.oncomplete = () => { db.close(); resolve(result && 'result' in result ? result.result : undefined); };
    t.onerror = () => { db.close(); reject(t.error); };
  });
}
const listeners = [];
async function changed() { const n = await count(); listeners.forEach(f => f(n)); }
/** How many observations wait. */
export async function count() { return tx(STORE, 'readonly', s => s.count()); }
/**
 * Keeps one observation ({photos: [{blob, name, organ}], fields}) until it can be sent, with the account
 * that made it: on a shared phone, one person's waiting observations are never sent under another's session.
 */
export async function add(item) {
  const who = signedIn();
  await tx(STORE, 'readwrite', s => s.add({ ...item, owner: who ? who.id : null }));
  await changed();
}
async function all() { return tx(STORE, 'readonly', s => s.getAll()); }
async function put(item) { await tx(STORE, 'readwrite', s => s.put(item)); }

/**
 * A new client id for one observation: the server saves an observation once per author and id, so every
 * retry of it (lost answer, outbox) sends the same one. crypto.randomUUID needs a secure context (HTTPS,
 * localhost); elsewhere the same version 4 UUID is made from crypto.getRandomValues.
 */
export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map(x => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
async function remove(id) { await tx(STORE, 'readwrite', s => s.delete(id)); await changed(); }
/** Calls f(count) when the number waiting changes, f(null, message) when a waiting one is refused. */
export function onChange(f) { listeners.push(f); }

/**
 * Posts one observation ({photos: [{blob, name, organ}], fields, clientId}) with a fresh anti-forgery token;
 * throws without network. The answer is 201, or 200 when the server already had this clientId.
 */
export async function send(item) {
  const t = await token();
  const form = new FormData();
  for (const p of item.photos) { form.append('photos', p.blob, p.name); form.append('organs', p.organ); }
  for (const [k, v] of Object.entries(item.fields)) if (v !== '' && v !== null && v !== undefined) form.append(k, v);
  if (item.clientId) form.append('clientId', item.clientId);
  form.append(t.formFieldName, t.token);
  // The header too: the balancer (nginx) may pass a save that carries one to another node after a failure.
  const headers = item.clientId ? { 'Idempotency-Key': item.clientId } : {};
  return fetch('/api/observations', { method: 'POST', body: form, credentials: 'same-origin', headers });
}

let flushing = false;
/** Sends what waits, oldest first; stops at the first "not now". */
export async function flush() {
  if (flushing || !navigator.onLine) return;
  flushing = true;
  try {
    const who = signedIn();
    for (const item of await all()) {
      // Only the signed-in person's own observations (items from before owners were kept have none).
      if (!who || (item.owner !== undefined && item.owner !== who.id)) continue;
      // Kept before client ids were sent: given one now, kept with it, so the next retries send the same.
      if (!item.clientId) { item.clientId = newClientId(); await put(item); }
      const r = await send(item);
      // A refused observation (4xx) would be refused again: drop it and say so; keep it on a network or server failure,
      // and when the server only said "not now" (408 too slow, 429 too many at once).
      const later = r.status >= 500 || r.status === 401 || r.status === 408 || r.status === 429;
      if (r.ok || (r.status >= 400 && r.status < 500 && !later)) await remove(item.id);
      if (!r.ok) {
        const message = (await r.json().catch(() => ({}))).message || String(r.status);
        listeners.forEach(f => f(null, message));
        if (later) break;
      }
    }
  } catch { /* still offline: try again at the next 'online' event */ }
  finally { flushing = false; }
}
window.addEventListener('online', flush);
// Also retry now and then: the 'online' event is not sent everywhere (emulated or flaky networks).
setInterval(flush, 5000);

/** Keeps the photos being prepared ([{blob, name, organ, exif}]) on this device, replacing any kept before. */
export async function keepPending(photos) {
  await tx(PENDING, 'readwrite', s => { s.clear(); if (photos.length) s.add({ photos }); });
}
/** The photos kept by keepPending, removed from the device as they are taken back ([] when none). */
export async function takePending() {
  try {
    const kept = await tx(PENDING, 'readonly', s => s.getAll());
    await tx(PENDING, 'readwrite', s => s.clear());
    return kept.length ? kept[0].photos : [];
  } catch { return []; /* storage off (private mode): nothing was kept */ }
}
