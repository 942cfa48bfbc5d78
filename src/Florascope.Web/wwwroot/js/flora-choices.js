// The flora choices of the pages come wholly from GET /api/projects (the running model's projects
// and those imported from checklists): a page never offers a flora the model lacks. The page's own
// first option ("All taxa", "All floras") stays. A model's project is named in the interface
// language where the translations have words for it (flora.<id>), else by its title; an imported one
// by its title (data from the import, shown as text). The last list is kept on this device so that
// the app offline still offers the floras. `florasReady` resolves once the selects are filled, so a
// page restores a remembered choice after it.
import { t } from './shared.js';

const KEPT = 'floras';
async function load() {
  try {
    const r = await fetch('/api/projects', { credentials: 'same-origin' });
    if (r.ok) {
      const projects = await r.json();
      try { localStorage.setItem(KEPT, JSON.stringify(projects)); } catch { /* storage full or off: not kept */ }
      return projects;
    }
  } catch { /* offline: the list kept last time */ }
  try { return JSON.parse(localStorage.getItem(KEPT)) || []; } catch { return []; }
}

/** A flora's name as the choices show it (id -> name), for pages that name floras elsewhere. */
export const floraNames = new Map();

/** A project's name in the page's language; the id itself only when nothing better is known. */
export const floraName = id => floraNames.get(id) || t('flora.' + id, id);

export const florasReady = (async () => {
  const projects = await load();
  for (const p of Array.isArray(projects) ? projects : []) {
    if (!p || typeof p.id !== 'string' || p.id === 'all') continue;
    const title = typeof p.title === 'string' && p.title ? p.title : p.id;
    floraNames.set(p.id, p.imported ? title : t('flora.' + p.id, title));
  }
  for (const select of document.querySelectorAll('select#project, select[name="project"]')) {
    const have = new Set([...select.options].map(o => o.value));
    for (const [id, name] of floraNames) if (!have.has(id)) { select.append(new Option(name, id)); have.add(id); }
  }
})();
