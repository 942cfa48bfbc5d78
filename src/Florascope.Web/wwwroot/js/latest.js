(async function () {
  'use strict';
  const user = /^\/users\/(\d+)/.exec(location.pathname);
  try {
    const list = await fs.json('/api/observations?pageSize=50' + (user ? '&user=' + user[1] : ''));
    if (user) document.querySelector('h1').textContent = list.length ? 'Observations by ' + list[0].authorName : 'No observations yet';
    document.getElementById('list').replaceChildren(...list.map(fs.row));
    document.body.dataset.loaded = String(list.length);
  } catch (e) { fs.fail(e); }
})();
