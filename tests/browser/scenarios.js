// The scenarios of tests/browser.rs, run by headless Chromium from one frontend origin.
//
// Each scenario resolves to a short string that the Rust test compares with what it expects for
// the page's origin: `<status> <body>` when the script could read the response, `blocked` when
// fetch() rejected with a TypeError or XMLHttpRequest fired `error` (how a browser tells a script
// that CORS refused it), `timeout` when nothing came back. When all are done (or the watchdog
// fires) the page POSTs them to `/report` on its own origin: same-origin, no CORS involved.
'use strict';

(() => {
  // `?api=<the API's origin>&run=<the test's run id>`
  const params = new URLSearchParams(location.search);
  const API = params.get('api');
  const RUN = Number(params.get('run'));
  const TIMEOUT_MS = 10000;
  const WATCHDOG_MS = 40000;
  // Longer than the 5 s Chromium caches a preflight that has no Access-Control-Max-Age.
  const MAX_AGE_GAP_MS = 6000;

  const JSON_TYPE = { 'Content-Type': 'application/json' };
  const GOOD_TOKEN = { Authorization: 'Bearer good-token' };

  const errors = [];
  window.addEventListener('error', (e) => errors.push(`error: ${e.message}`));
  window.addEventListener('unhandledrejection', (e) => errors.push(`unhandled rejection: ${e.reason}`));

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function call(path, init = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      return await fetch(API + path, { ...init, signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  }

  function put(path, body, headers = {}) {
    return call(path, { method: 'PUT', headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(body) });
  }

  // `<status> <body>`
  async function text(response) {
    return `${response.status} ${await response.text()}`;
  }

  // `<status> with body` / `<status> empty`: for error bodies whose wording is axum's.
  async function status(response) {
    const body = await response.text();
    return `${response.status} ${body.length > 0 ? 'with body' : 'empty'}`;
  }

  // What a script can read of the two response headers every API answer carries.
  async function headersSeen(response) {
    await response.text();
    const seen = (name) => `${name}=${response.headers.get(name)}`;
    return `${response.status} ${seen('x-request-id')} ${seen('x-internal')}`;
  }

  function xhr(method, path, headers, body) {
    return new Promise((resolve) => {
      const request = new XMLHttpRequest();
      request.open(method, API + path);
      request.timeout = TIMEOUT_MS;
      for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
      request.onload = () => resolve(`${request.status} ${request.responseText}`);
      request.onerror = () => resolve('blocked');
      request.ontimeout = () => resolve('timeout');
      request.send(body);
    });
  }

  function failure(e) {
    if (e instanceof TypeError) return 'blocked';
    if (e && e.name === 'AbortError') return 'timeout';
    return `error ${e && e.name}: ${e && e.message}`;
  }

  // Two identical preflighted requests, MAX_AGE_GAP_MS apart. The test counts the OPTIONS
  // requests the server saw for `path`.
  async function twice(path, headers = {}) {
    const once = async (title) => {
      try {
        return await text(await put(path, { title }, headers));
      } catch (e) {
        return failure(e);
      }
    };
    const first = await once('first');
    await sleep(MAX_AGE_GAP_MS);
    const second = await once('second');
    return `${first} | ${second}`;
  }

  const scenarios = [];
  const add = (name, run, slow = false) => scenarios.push({ name, run, slow });

  // `h`: #[cors] handlers mounted with with_cors!; `g`: plain handlers under a #[cors_policy] layer.
  for (const p of ['h', 'g']) {
    add(`${p}.simple-get`, async () => text(await call(`/${p}/simple`)));
    add(`${p}.put-json-authorization`, async () =>
      text(await put(`/${p}/tasks/7`, { title: 'write tests' }, GOOD_TOKEN)));
    add(`${p}.delete-authorization`, async () =>
      text(await call(`/${p}/tasks/7`, { method: 'DELETE', headers: GOOD_TOKEN })));
    add(`${p}.xhr-put-json-authorization`, () =>
      xhr('PUT', `/${p}/tasks/8`, { ...JSON_TYPE, ...GOOD_TOKEN }, JSON.stringify({ title: 'via xhr' })));
    add(`${p}.xhr-delete-authorization`, () => xhr('DELETE', `/${p}/tasks/9`, GOOD_TOKEN, null));
    add(`${p}.header-outside-policy`, async () =>
      text(await put(`/${p}/tasks/7`, { title: 'x' }, { 'X-Custom': 'nope' })));
    add(`${p}.method-outside-policy`, async () =>
      text(await call(`/${p}/tasks/7`, { method: 'PATCH', headers: JSON_TYPE, body: '{"title":"x"}' })));
    add(`${p}.json-rejection-status`, async () =>
      status(await call(`/${p}/tasks`, { method: 'POST', headers: JSON_TYPE, body: '{"title": 5}' })));
    add(`${p}.me-without-credentials`, async () => text(await call(`/${p}/me`)));
    add(`${p}.credentials-not-in-policy`, async () => text(await call(`/${p}/me`, { credentials: 'include' })));
  }

  // Exposed and non-exposed response headers.
  add('h.headers-not-exposed', async () => headersSeen(await call('/h/simple')));
  add('h.headers-exposed', async () => headersSeen(await call('/h/expose')));
  add('g.headers-exposed', async () => headersSeen(await call('/g/simple')));
  add('gw.headers-not-exposed', async () => headersSeen(await call('/gw/simple')));

  // Credentials: the API set `sid` on its own origin (the test's first navigation).
  add('h.credentials-cookie', async () => text(await call('/h/session', { credentials: 'include' })));
  // Behind the group's bearer check too: a preflighted credentialed request.
  add('ga.credentials-cookie', async () =>
    text(await call('/ga/session', { credentials: 'include', headers: GOOD_TOKEN })));

  // Error statuses readable by the script: a handler's own 401, and the 401 of an auth
  // `route_layer` inside a group layer (including after a preflight).
  add('h.unauthorized-status', async () => text(await call('/h/secret')));
  add('h.authorized', async () => text(await call('/h/secret', { headers: GOOD_TOKEN })));
  add('ga.no-token-status', async () => text(await call('/ga/secret')));
  add('ga.bad-token-put-status', async () =>
    text(await put('/ga/secret', { title: 'x' }, { Authorization: 'Bearer wrong' })));
  add('ga.good-token', async () => text(await call('/ga/secret', { headers: GOOD_TOKEN })));

  // `headers = "*"` with Authorization. The answer must echo the requested names: with
  // credentials a literal `*` names a header called `*`, and per the Fetch standard it never
  // covers Authorization (Chromium 156 still lets it, without credentials).
  const anyHeaders = { ...GOOD_TOKEN, 'X-Trace-Id': 't-1' };
  add('h.any-headers-authorization', async () =>
    text(await put('/h/any-headers', { title: 'any' }, anyHeaders)));
  for (const p of ['h', 'gw']) {
    add(`${p}.any-headers-authorization-credentials`, async () =>
      text(await call(`/${p}/any-headers-session`, {
        method: 'PUT',
        headers: { ...JSON_TYPE, ...anyHeaders },
        body: '{}',
        credentials: 'include',
      })));
  }

  // Preflight caching, run alongside the rest (they wait MAX_AGE_GAP_MS).
  add('h.max-age', () => twice('/h/cached'), true);
  add('h.no-max-age', () => twice('/h/uncached'), true);
  add('ga.max-age', () => twice('/ga/cached', GOOD_TOKEN), true);
  add('g.no-max-age', () => twice('/g/uncached'), true);

  const results = [];
  let reported = false;

  async function report(extraErrors) {
    if (reported) return;
    reported = true;
    const body = JSON.stringify({
      run: RUN,
      origin: location.origin,
      results,
      errors: errors.concat(extraErrors),
    });
    document.getElementById('log').textContent = body;
    await fetch('/report', { method: 'POST', headers: JSON_TYPE, body });
  }

  async function runOne(scenario) {
    let outcome;
    try {
      outcome = await scenario.run();
    } catch (e) {
      outcome = failure(e);
    }
    return { name: scenario.name, outcome };
  }

  setTimeout(() => {
    const done = new Set(results.map((r) => r.name));
    const missing = scenarios.filter((s) => !done.has(s.name)).map((s) => s.name);
    report([`watchdog: unfinished after ${WATCHDOG_MS} ms: ${missing.join(', ')}`]);
  }, WATCHDOG_MS);

  (async () => {
    const slow = scenarios.filter((s) => s.slow).map(runOne);
    for (const scenario of scenarios.filter((s) => !s.slow)) results.push(await runOne(scenario));
    results.push(...(await Promise.all(slow)));
    await report([]);
  })();
})();
