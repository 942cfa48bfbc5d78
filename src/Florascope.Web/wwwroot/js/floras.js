// Projects imported from checklists (florascope flora import-checklist) join the flora choices of
// the page; their titles are data from the import, shown as text. window.florasReady resolves
// once they are in, so a page restores a remembered choice after it.
(function () {
  'use strict';
  window.florasReady = (async () => {
    try {
      const r = await fetch('/api/projects', { credentials: 'same-origin' });
      if (!r.ok) return;
      const projects = (await r.json()).filter(p => p.imported);
      for (const select of document.querySelectorAll('select#project, select[name="project"]')) {
        const have = new Set([...select.options].map(o => o.value));
        for (const p of projects) if (!have.has(p.id)) select.append(new Option(p.title, p.id));
      }
    } catch { /* offline: the shipped floras stay */ }
  })();
})();
