(async function () {
  'use strict';
  const user = /^\/users\/(\d+)/.exec(location.pathname);
  await fs.ready();
  try {
    const list = await fs.json('/api/observations?pageSize=50' + (user ? '&user=' + user[1] : ''));
    if (user) document.querySelector('h1').textContent = list.length ? fs.t('latest.by', 'Observations by') + ' ' + fs.person(list[0].authorName, list[0].authorUserName) : fs.t('latest.none', 'No observations yet');
    document.getElementById('list').replaceChildren(...list.map(fs.row));
    document.body.dataset.loaded = String(list.length);
  } catch (e) { fs.fail(e); }
})();
