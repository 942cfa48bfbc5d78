// The flora choices of the pages come wholly from GET /api/projects (the running model's projects
// and those imported from checklists): a page never offers a flora the model lacks. The page's own
// first option ("All taxa", "All floras") stays. A model's project is named in the interface
// language where i18n has words for it (flora.<id>), else by its title; an imported one by its
// title (data from the import, shown as text). The last list is kept on this device so that the
// app offline still offers the floras. window.florasReady resolves once they are in, so a page
// restores a remembered choice after it.
(function () {
  'use strict';
  const KEPT = 'floras';
  const load = async () => {
    try {
      const r = await fetch('/api/projects', { credentials: 'same-origin' });
      if (r.ok) {
        const projects = await r.json();
        try { localStorage.setItem(KEPT, JSON.stringify(projects)); } catch { /* storage full or off: not kept */ }
        return projects;
      }
    } catch { /* offline: the list kept last time */ }
    try { return JSON.parse(localStorage.getItem(KEPT)) || []; } catch { return []; }
  };
  // A flora's name as the choices show it, for pages that name floras elsewhere (the statistics).
  window.floraNames = new Map();
  window.florasReady = (async () => {
    // The words of the interface first (i18n.ready never rejects).
    const [projects] = await Promise.all([load(), window.i18n && window.i18n.ready]);
    const t = (key, fallback) => (window.i18n ? window.i18n.t(key, fallback) : fallback);
    for (const select of document.querySelectorAll('select#project, select[name="project"]')) {
      const have = new Set([...select.options].map(o => o.value));
      for (const p of Array.isArray(projects) ? projects : []) {
        // "all" is the page's own first option.
        if (!p || typeof p.id !== 'string' || p.id === 'all' || have.has(p.id)) continue;
        const title = typeof p.title === 'string' && p.title ? p.title : p.id;
        window.floraNames.set(p.id, p.imported ? title : t('flora.' + p.id, title));
        select.append(new Option(window.floraNames.get(p.id), p.id));
        have.add(p.id);
      }
    }
  })();
})();
