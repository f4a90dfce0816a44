// The AI Gateway operator dashboard: plain ES module, no dependency, nothing loaded from another origin.
// Every value that comes from the management API is put into the page as text (textContent, attribute
// values, option text), never parsed as HTML.

const STORAGE_KEY = 'aigateway.adminKey';
const API = apiBase();
// the built-in providers of the catalog, offered as suggestions; custom providers are added from /providers
const KNOWN_PROVIDERS = ['openai', 'anthropic', 'google', 'mistral', 'groq', 'deepseek', 'openrouter', 'xai'];

/** The management API's root: the path the dashboard hangs from (/x/dashboard/ calls /x/access-keys). */
function apiBase() {
  const p = window.location.pathname;
  const i = p.lastIndexOf('/dashboard');
  return i >= 0 ? p.substring(0, i) : '';
}

// ---------------------------------------------------------------------------------------------- DOM helpers

/** Builds an element; attributes as properties or attributes, children as nodes or text (never HTML). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.substring(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'disabled' || k === 'hidden' || k === 'selected') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

let idCounter = 0;
function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled input: returns {wrap, input}; the label names the field for assistive technology and tests. */
function field(label, input, hint) {
  input.id = input.id || uid('f');
  const wrap = h('div', { class: 'field' }, h('label', { for: input.id, text: label }), input);
  if (hint) {
    const hid = uid('hint');
    wrap.append(h('div', { class: 'hint', id: hid, text: hint }));
    input.setAttribute('aria-describedby', hid);
  }
  return wrap;
}

function section(title, ...children) {
  const hid = uid('h');
  return h('section', { 'aria-labelledby': hid }, h('h2', { id: hid, text: title }), ...children);
}

function setStatus(message) {
  document.getElementById('status').textContent = message || '';
}

function fmtTime(s) {
  if (!s) return '—';
  const d = new Date(s);
  return isNaN(d.getTime()) ? String(s) : d.toISOString().replace('T', ' ').substring(0, 19) + ' UTC';
}

function lines(text) {
  return text.split(/[\n,]/).map((s) => s.trim()).filter((s) => s.length > 0);
}

// ---------------------------------------------------------------------------------------------- API calls

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.msg) || `The management API answered ${status}.`);
    this.status = status;
    this.body = body || {};
  }

  get path() {
    return this.body.details && typeof this.body.details.path === 'string' ? this.body.details.path : null;
  }
}

function adminKey() {
  return window.sessionStorage.getItem(STORAGE_KEY);
}

/** One management call with the admin key; a 401 signs out and returns to sign-in. */
async function api(method, path, body, key) {
  const token = key || adminKey();
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
    });
  } catch (e) {
    throw new ApiError(0, { msg: 'The management API cannot be reached.' });
  }
  let json = null;
  if (res.status !== 204) {
    try {
      json = await res.json();
    } catch (e) {
      json = null;
    }
  }
  if (res.status === 401 && !key) {
    signOut('Your admin key was not accepted any more (it may have been deleted). Sign in again.');
    throw new ApiError(401, json);
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/** Every item of a list endpoint, following nextPageUri (at most 20 pages). */
async function listAll(path, wrapper) {
  const out = [];
  let next = path;
  for (let i = 0; i < 20 && next; i += 1) {
    const page = await api('GET', next);
    out.push(...(page[wrapper] || []));
    next = page.nextPageUri;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- sign-in

/** Counts the page loads begun; only the latest one, if the operator is still signed in, may fill the page. */
let renderGeneration = 0;

function showSignIn(message) {
  renderGeneration++; // a page still loading was read with the key being signed out: it must not be shown
  document.getElementById('nav').hidden = true;
  document.getElementById('sign-out').hidden = true;
  document.getElementById('page').replaceChildren();
  document.getElementById('sign-in').hidden = false;
  document.getElementById('sign-in-error').textContent = message || '';
  setStatus('');
  document.getElementById('admin-key').focus();
}

function signOut(message) {
  window.sessionStorage.removeItem(STORAGE_KEY);
  showSignIn(message);
}

async function signIn(event) {
  event.preventDefault();
  const input = document.getElementById('admin-key');
  const key = input.value.trim();
  const error = document.getElementById('sign-in-error');
  error.textContent = '';
  if (!key) {
    error.textContent = 'Enter an admin key.';
    return;
  }
  try {
    await api('GET', '/gateway-config', undefined, key);
  } catch (e) {
    error.textContent = e.status === 401 ? 'Sign-in failed: that admin key was not accepted.'
      : `Sign-in failed: ${e.message}`;
    return;
  }
  window.sessionStorage.setItem(STORAGE_KEY, key);
  input.value = '';
  if (!window.location.hash || window.location.hash === '#') window.location.hash = '#keys';
  render();
}

// ---------------------------------------------------------------------------------------------- routing

const PAGES = {
  keys: keysPage,
  configurations: configurationsPage,
  'provider-keys': providerKeysPage,
  providers: providersPage,
  'virtual-models': virtualModelsPage,
  usage: usagePage,
  'admin-keys': adminKeysPage,
};

async function render() {
  if (!adminKey()) {
    showSignIn('');
    return;
  }
  document.getElementById('sign-in').hidden = true;
  document.getElementById('nav').hidden = false;
  document.getElementById('sign-out').hidden = false;
  const [name, ...rest] = (window.location.hash.replace(/^#/, '') || 'keys').split('/');
  const page = PAGES[name] || keysPage;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === `#${PAGES[name] ? name : 'keys'}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const target = document.getElementById('page');
  // Pages load asynchronously: only the latest navigation may replace the page, so a slow earlier one cannot
  // show a page the user has already left.
  const generation = ++renderGeneration;
  try {
    const content = await page(rest.map(decodeURIComponent));
    if (generation !== renderGeneration) return;
    target.replaceChildren(content);
  } catch (e) {
    if (generation !== renderGeneration) return;
    if (e instanceof ApiError && e.status === 401) return;
    target.replaceChildren(h('p', { class: 'error', role: 'alert', text: `Could not load this page: ${e.message}` }));
  }
}

/** Shows another page; the status line is kept, so a message set after this call stays visible. */
function go(hash) {
  if (window.location.hash !== hash) window.history.pushState(null, '', hash);
  return render();
}

/**
 * A two-step delete: the first click asks, the second deletes. Options: `question` replaces the question asked,
 * `afterDelete` replaces showing the page again with a status line.
 */
function deleteButton(what, onConfirm, options) {
  const opts = options || {};
  const holder = h('span', {});
  const ask = h('button', { type: 'button', class: 'danger', text: 'Delete', 'aria-label': 'Delete' });
  ask.addEventListener('click', () => {
    const error = h('span', { class: 'error', role: 'alert' });
    const confirm = h('button', { type: 'button', class: 'danger', text: 'Confirm delete' });
    const cancel = h('button', { type: 'button', text: 'Cancel' });
    confirm.addEventListener('click', async () => {
      try {
        await onConfirm();
      } catch (e) {
        if (e.status !== 401) error.textContent = e.message;
        return;
      }
      if (opts.afterDelete) {
        opts.afterDelete();
        return;
      }
      await render();
      setStatus(`Deleted ${what}.`);
    });
    cancel.addEventListener('click', () => {
      holder.replaceChildren(ask);
      ask.focus();
    });
    holder.replaceChildren(h('span', { text: opts.question || `Delete ${what}? ` }), confirm, cancel, error);
    confirm.focus();
  });
  holder.append(ask);
  return holder;
}

function formError() {
  return h('p', { class: 'error', role: 'alert' });
}

// ---------------------------------------------------------------------------------------------- Keys

async function keysPage() {
  const [keys, configs] = await Promise.all([
    listAll('/access-keys', 'aiGatewayAccessKeys'),
    listAll('/access-key-configurations', 'aiGatewayAccessKeyConfigurations'),
  ]);
  const body = h('div', {});
  const newButton = h('button', { type: 'button', class: 'primary', text: 'New access key' });
  const formHolder = h('div', {});
  newButton.addEventListener('click', () => {
    formHolder.replaceChildren(accessKeyForm(null, configs, formHolder));
    formHolder.querySelector('input').focus();
  });
  const rows = keys.map((k) => {
    const tr = h('tr', {},
      h('td', { text: k.name || '(no name)' }),
      h('td', { text: k.description || '' }),
      h('td', { text: k.accessKeyConfiguration ? (k.accessKeyConfiguration.name || k.accessKeyConfiguration.id) : '—' }),
      h('td', { class: 'mono', text: k.keyRedacted || '' }),
      h('td', { text: fmtTime(k.lastUsed) }));
    const edit = h('button', { type: 'button', text: 'Edit' });
    edit.addEventListener('click', () => {
      formHolder.replaceChildren(accessKeyForm(k, configs, formHolder));
      formHolder.querySelector('input').focus();
    });
    tr.append(h('td', {}, edit, deleteButton(`access key ${k.name || k.id}`,
      () => api('DELETE', `/access-keys/${encodeURIComponent(k.id)}`))));
    return tr;
  });
  body.append(section('Keys',
    h('p', { class: 'hint', text: 'Access keys are what client apps hold. Assign a configuration to limit what a key may call and how it is routed.' }),
    newButton, formHolder,
    keys.length === 0 ? h('p', { class: 'muted', text: 'No access keys yet.' })
      : h('table', { 'aria-label': 'Access keys' },
        h('thead', {}, h('tr', {}, ['Name', 'Description', 'Configuration', 'Key', 'Last used', ''].map((t) => h('th', { text: t })))),
        h('tbody', {}, rows))));
  return body;
}

function configurationSelect(configs, selectedId) {
  const select = h('select', {}, h('option', { value: '', text: '(none: allow everything, default routing)' }));
  for (const c of configs) {
    select.append(h('option', { value: c.id, text: `${c.name || c.id}`, selected: c.id === selectedId }));
  }
  return select;
}

function accessKeyForm(key, configs, holder) {
  const name = h('input', { type: 'text', value: key ? key.name || '' : '', 'data-path': 'name', maxlength: 255 });
  const description = h('input', { type: 'text', value: key ? key.description || '' : '', 'data-path': 'description' });
  const config = configurationSelect(configs, key && key.accessKeyConfiguration ? key.accessKeyConfiguration.id : null);
  config.setAttribute('data-path', 'accessKeyConfigurationId');
  const error = formError();
  const title = key ? `Edit access key ${key.name || key.id}` : 'New access key';
  const form = h('form', { 'aria-label': title },
    h('h3', { text: title }),
    field('Name', name), field('Description', description), field('Configuration', config),
    h('button', { type: 'submit', class: 'primary', text: key ? 'Save' : 'Create access key' }),
    h('button', { type: 'button', text: 'Cancel', onclick: () => holder.replaceChildren() }),
    error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    error.textContent = '';
    const body = {
      name: name.value.trim() || null,
      description: description.value.trim() || null,
      accessKeyConfigurationId: config.value || null,
    };
    try {
      if (key) {
        await api('PATCH', `/access-keys/${encodeURIComponent(key.id)}`, body);
        await render();
        setStatus(`Saved access key ${body.name || key.id}.`);
      } else {
        if (!body.name) delete body.name;
        if (!body.description) delete body.description;
        if (!body.accessKeyConfigurationId) delete body.accessKeyConfigurationId;
        const created = await api('POST', '/access-keys', body);
        holder.replaceChildren(tokenPanel(created));
        holder.querySelector('button.primary').focus();
      }
    } catch (e) {
      showApiError(form, error, e);
    }
  });
  return form;
}

/**
 * The new token, shown once: it is kept in this panel only, never in storage, and gone on reload or at Done.
 * `kind` names what was created; `use` says where the token goes.
 */
function tokenPanel(created, kind, use) {
  const token = h('input', { type: 'text', class: 'token', readonly: true, value: created.token || '' });
  const copied = h('span', { role: 'status', class: 'muted' });
  const copy = h('button', { type: 'button', class: 'primary', text: 'Copy' });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(token.value);
      copied.textContent = 'Copied to the clipboard.';
    } catch (e) {
      token.select();
      copied.textContent = document.execCommand('copy') ? 'Copied to the clipboard.'
        : 'Copying failed: select the token and copy it by hand.';
    }
  });
  const done = h('button', { type: 'button', text: 'Done' });
  const panel = section(`${kind || 'Access key'} ${created.name || created.id} created`,
    h('p', { class: 'warning', role: 'alert',
      text: 'Copy this token now: it is only shown once. The gateway keeps only a hash of it, so it cannot be shown again.' }),
    use ? h('p', { class: 'hint', text: use }) : null,
    field('Token', token), copy, copied, h('div', {}, done));
  done.addEventListener('click', () => {
    token.value = '';
    render();
  });
  return panel;
}

// ---------------------------------------------------------------------------------------------- Admin API keys

/** The id of the admin API key a token belongs to (aigak_<id>_<secret> gives aigak_<id>), or null. */
function adminKeyIdOf(token) {
  if (!token || !token.startsWith('aigak_')) return null;
  const end = token.indexOf('_', 'aigak_'.length);
  return end > 'aigak_'.length ? token.substring(0, end) : null;
}

async function adminKeysPage() {
  const keys = await listAll('/api-keys', 'aiGatewayApiKeys');
  const mine = adminKeyIdOf(adminKey());
  const formHolder = h('div', {});
  const openForm = (key) => {
    formHolder.replaceChildren(adminKeyForm(key, formHolder));
    formHolder.querySelector('input').focus();
  };
  const newButton = h('button', { type: 'button', class: 'primary', text: 'New admin API key', onclick: () => openForm(null) });
  const rows = keys.map((k) => {
    const label = k.name || k.id;
    const own = k.id === mine;
    const edit = h('button', { type: 'button', text: 'Edit', onclick: () => openForm(k) });
    const remove = deleteButton(`admin API key ${label}`,
      () => api('DELETE', `/api-keys/${encodeURIComponent(k.id)}`),
      own ? {
        question: `Delete admin API key ${label}? This page is signed in with it: you will have to sign in with another admin key. `,
        afterDelete: () => signOut(`You deleted admin API key ${label}, the key this page was signed in with. Sign in with another admin key.`),
      } : null);
    return h('tr', {},
      h('td', {}, k.name || '(no name)', own ? h('span', { class: 'muted', text: ' (signed in with this key)' }) : null),
      h('td', { text: k.description || '' }),
      h('td', { class: 'mono', text: k.keyRedacted || '' }),
      h('td', { class: 'nowrap', text: fmtTime(k.createdAt) }),
      h('td', { class: 'nowrap', text: fmtTime(k.lastUsed) }),
      h('td', {}, edit, remove));
  });
  return section('Admin API keys',
    h('p', { class: 'hint', text: 'Admin API keys sign in to this dashboard and authorize the management API '
      + '(Authorization: Bearer). The last admin API key cannot be deleted unless the server also has a configured '
      + 'admin key: to rotate, create a new key, sign in with it, then delete the old one.' }),
    newButton, formHolder,
    keys.length === 0 ? h('p', { class: 'muted', text: 'No admin API keys yet: this page is signed in with a configured admin key.' })
      : h('table', { 'aria-label': 'Admin API keys' },
        h('thead', {}, h('tr', {}, ['Name', 'Description', 'Key', 'Created', 'Last used', ''].map((t) => h('th', { text: t })))),
        h('tbody', {}, rows)));
}

function adminKeyForm(key, holder) {
  const name = h('input', { type: 'text', value: key ? key.name || '' : '', 'data-path': 'name' });
  const description = h('input', { type: 'text', value: key ? key.description || '' : '', 'data-path': 'description' });
  const error = formError();
  const title = key ? `Edit admin API key ${key.name || key.id}` : 'New admin API key';
  const form = h('form', { 'aria-label': title },
    h('h3', { text: title }),
    field('Name', name), field('Description', description),
    h('button', { type: 'submit', class: 'primary', text: key ? 'Save' : 'Create admin API key' }),
    h('button', { type: 'button', text: 'Cancel', onclick: () => holder.replaceChildren() }),
    error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    error.textContent = '';
    const body = { name: name.value.trim() || null, description: description.value.trim() || null };
    try {
      if (key) {
        await api('PATCH', `/api-keys/${encodeURIComponent(key.id)}`, body);
        await render();
        setStatus(`Saved admin API key ${body.name || key.id}.`);
      } else {
        if (!body.name) delete body.name;
        if (!body.description) delete body.description;
        const created = await api('POST', '/api-keys', body);
        holder.replaceChildren(tokenPanel(created, 'Admin API key',
          'Sign in to this dashboard with it, or send it as Authorization: Bearer to the management API.'));
        holder.querySelector('button.primary').focus();
      }
    } catch (e) {
      if (e.status !== 401) showApiError(form, error, e);
    }
  });
  return form;
}

// ---------------------------------------------------------------------------------------------- errors at fields

function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const d = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => !x.startsWith('err-'));
    if (d.length) el.setAttribute('aria-describedby', d.join(' '));
    else el.removeAttribute('aria-describedby');
  }
}

/** The element whose data-path is the error's path or its nearest parent path. */
function elementForPath(form, path) {
  let p = path;
  while (p) {
    for (const el of form.querySelectorAll('[data-path]')) {
      if (el.getAttribute('data-path') === p) return el;
    }
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) break;
    p = p.substring(0, cut);
  }
  return null;
}

function showApiError(form, general, e) {
  general.textContent = e.message;
  const path = e.path;
  if (!path) return;
  const el = elementForPath(form, path);
  if (!el) return;
  const id = uid('err');
  const msg = h('div', { class: 'field-error', id, text: e.message });
  el.setAttribute('aria-invalid', 'true');
  const d = el.getAttribute('aria-describedby');
  el.setAttribute('aria-describedby', d ? `${d} ${id}` : id);
  el.insertAdjacentElement('afterend', msg);
  if (typeof el.focus === 'function') el.focus();
}

// ---------------------------------------------------------------------------------------------- Configurations

async function configurationsPage(args) {
  if (args.length > 0) return configurationEditor(args[0] === 'new' ? null : args[0]);
  const configs = await listAll('/access-key-configurations', 'aiGatewayAccessKeyConfigurations');
  const newButton = h('button', { type: 'button', class: 'primary', text: 'New configuration',
    onclick: () => go('#configurations/new') });
  const rows = configs.map((c) => {
    const rules = c.router && Array.isArray(c.router.rules) ? c.router.rules.length : 0;
    const edit = h('button', { type: 'button', text: 'Edit', onclick: () => go(`#configurations/${encodeURIComponent(c.id)}`) });
    return h('tr', {},
      h('td', { text: c.name || c.id }),
      h('td', { text: c.description || '' }),
      h('td', { text: accessSummary(c.access) }),
      h('td', { text: String(rules) }),
      h('td', { text: limitsSummary(c.limits) }),
      h('td', { class: 'mono', text: c.id }),
      h('td', {}, edit, deleteButton(`configuration ${c.name || c.id}`,
        () => api('DELETE', `/access-key-configurations/${encodeURIComponent(c.id)}`))));
  });
  return section('Configurations',
    h('p', { class: 'hint', text: 'A configuration sets what its access keys may call (Access) and how their requests are routed (Routing).' }),
    newButton,
    configs.length === 0 ? h('p', { class: 'muted', text: 'No configurations yet.' })
      : h('table', { 'aria-label': 'Configurations' },
        h('thead', {}, h('tr', {}, ['Name', 'Description', 'Access', 'Rules', 'Limits', 'Id', ''].map((t) => h('th', { text: t })))),
        h('tbody', {}, rows)));
}

function limitsSummary(limits) {
  if (!limits) return 'none';
  const parts = [];
  if (limits.requestsPerMinute) parts.push(`${limits.requestsPerMinute} requests/min`);
  if (limits.tokensPerMinute) parts.push(`${limits.tokensPerMinute} tokens/min`);
  if (limits.concurrentRequests) parts.push(`${limits.concurrentRequests} at once`);
  if (limits.budget) parts.push(`${limits.budget.amountCents} cents per ${limits.budget.period}`);
  return parts.length ? parts.join(', ') : 'none';
}

function accessSummary(access) {
  if (!access) return 'everything';
  const parts = [];
  if (access.providers) parts.push(`providers: ${(access.providers.allow || []).join(', ') || 'none'}`);
  if (access.models) parts.push(`models: ${(access.models.allow || []).join(', ') || 'none'}`);
  return parts.length ? parts.join('; ') : 'everything';
}

const MANAGED_FIELDS = ['id', 'uri', 'name', 'description', 'metadata', 'access', 'router', 'limits', 'createdAt',
  'updatedAt', 'createdBy', 'lastUpdatedBy'];
const BUDGET_PERIODS = ['day', 'week', 'month', 'total'];

/** A whole number as a number; anything else as typed, so that the API names the field it refuses. */
function numberOrText(text) {
  const t = text.trim();
  return /^[0-9]{1,15}$/.test(t) ? Number(t) : t;
}

/** The Limits section: requests, tokens, concurrency and a budget per access key; empty fields are no limit. */
function limitsSection(limits) {
  const l = limits || {};
  const b = l.budget || {};
  const num = (path, v) => h('input', { type: 'text', inputmode: 'numeric', 'data-path': path,
    value: v === undefined || v === null ? '' : String(v) });
  const rpm = num('limits.requestsPerMinute', l.requestsPerMinute);
  const tpm = num('limits.tokensPerMinute', l.tokensPerMinute);
  const concurrent = num('limits.concurrentRequests', l.concurrentRequests);
  const amount = num('limits.budget.amountCents', b.amountCents);
  const period = h('select', { 'data-path': 'limits.budget.period' },
    BUDGET_PERIODS.map((x) => h('option', { value: x, text: x, selected: (b.period || 'month') === x })));
  const el = section('Limits',
    h('p', { class: 'hint', text: 'Counted per access key that uses this configuration. Leave a field empty for no limit.' }),
    h('div', { class: 'row' },
      h('div', {}, field('Requests per minute', rpm)),
      h('div', {}, field('Tokens per minute', tpm)),
      h('div', {}, field('Concurrent requests', concurrent))),
    h('div', { class: 'row' },
      h('div', {}, field('Budget in cents', amount, 'Cost of served requests, as for credits')),
      h('div', {}, field('Budget period', period, 'Calendar periods, UTC'))));
  el.setAttribute('data-path', 'limits');
  const json = () => {
    const out = {};
    if (rpm.value.trim()) out.requestsPerMinute = numberOrText(rpm.value);
    if (tpm.value.trim()) out.tokensPerMinute = numberOrText(tpm.value);
    if (concurrent.value.trim()) out.concurrentRequests = numberOrText(concurrent.value);
    if (amount.value.trim()) out.budget = { amountCents: numberOrText(amount.value), period: period.value };
    return Object.keys(out).length ? out : null;
  };
  return { el, json };
}


async function configurationEditor(id) {
  const [config, providerKeys, providers] = await Promise.all([
    id ? api('GET', `/access-key-configurations/${encodeURIComponent(id)}`) : Promise.resolve(null),
    listAll('/provider-keys', 'aiGatewayProviderKeys'),
    listAll('/providers', 'aiGatewayProviders').catch(() => []),
  ]);
  const c = config || {};
  // fields this editor does not show (fields added later) are kept and sent back unchanged
  const extra = {};
  for (const [k, v] of Object.entries(c)) if (!MANAGED_FIELDS.includes(k)) extra[k] = v;
  const providerIds = [...new Set([...KNOWN_PROVIDERS, ...providers.map((p) => p.providerId),
    ...providerKeys.map((k) => k.providerId)])];

  const listId = uid('providers');
  const datalist = h('datalist', { id: listId }, providerIds.map((p) => h('option', { value: p })));
  const name = h('input', { type: 'text', value: c.name || '', 'data-path': 'name', required: true, maxlength: 255 });
  const description = h('input', { type: 'text', value: c.description || '', 'data-path': 'description' });
  const metadata = h('input', { type: 'text', value: c.metadata || '', 'data-path': 'metadata' });

  // Access
  const access = c.access || {};
  const restrictProviders = h('input', { type: 'checkbox', checked: !!access.providers });
  const allowProviders = h('textarea', { 'data-path': 'access.providers.allow', disabled: !access.providers },
    (access.providers && access.providers.allow || []).join('\n'));
  const restrictModels = h('input', { type: 'checkbox', checked: !!access.models });
  const allowModels = h('textarea', { 'data-path': 'access.models.allow', disabled: !access.models },
    (access.models && access.models.allow || []).join('\n'));
  restrictProviders.addEventListener('change', () => { allowProviders.disabled = !restrictProviders.checked; });
  restrictModels.addEventListener('change', () => { allowModels.disabled = !restrictModels.checked; });
  const accessSection = section('Access',
    h('p', { class: 'hint', text: 'Without a restriction every provider (or model) is allowed. A restriction with an empty list allows nothing.' }),
    h('label', { class: 'inline' }, restrictProviders, 'Allow only these providers'),
    field('Allowed providers', allowProviders, 'One provider id per line, e.g. openai'),
    h('label', { class: 'inline' }, restrictModels, 'Allow only these models'),
    field('Allowed models', allowModels, 'One model per line, e.g. openai/gpt-4o or anthropic:claude-sonnet-4-6'));
  accessSection.setAttribute('data-path', 'access');

  // Routing
  const rulesHolder = h('div', { 'data-path': 'router.rules' });
  const rules = (c.router && Array.isArray(c.router.rules) ? c.router.rules : []).map((r) => ruleModel(r));
  const redraw = () => {
    rulesHolder.replaceChildren(...rules.map((r, i) => ruleView(r, i, rules, redraw, providerKeys, listId)));
    if (rules.length === 0) rulesHolder.append(h('p', { class: 'muted', text: 'No rules: each provider uses its stored provider keys in creation order, then its managed credential.' }));
  };
  redraw();
  const addRule = h('button', { type: 'button', text: 'Add rule' });
  addRule.addEventListener('click', () => {
    rules.push(ruleModel({ provider: '', steps: [{ type: 'user', keySelectionStrategy: 'ordered', keys: [] }] }));
    redraw();
    const inputs = rulesHolder.querySelectorAll('input[data-role="match"]');
    if (inputs.length) inputs[inputs.length - 1].focus();
  });
  const routingSection = section('Routing',
    h('p', { class: 'hint', text: 'A rule for a model wins over a rule for its provider. Steps run in order; a user step tries its provider keys, a managed step uses the host\'s managed credential.' }),
    rulesHolder, addRule);
  routingSection.setAttribute('data-path', 'router');

  const limits = limitsSection(c.limits);

  const preview = h('pre', { class: 'json', 'aria-label': 'Configuration JSON' });
  const error = formError();
  const collect = () => {
    const body = { ...extra, name: name.value.trim() };
    body.description = description.value.trim() || null;
    body.metadata = metadata.value.trim() || null;
    if (restrictProviders.checked || restrictModels.checked) {
      body.access = {};
      if (restrictProviders.checked) body.access.providers = { allow: lines(allowProviders.value) };
      if (restrictModels.checked) body.access.models = { allow: lines(allowModels.value) };
    } else {
      body.access = null;
    }
    body.router = rules.length ? { rules: rules.map(ruleJson) } : null;
    body.limits = limits.json();
    if (!id) for (const k of ['description', 'metadata', 'access', 'router', 'limits']) if (body[k] === null) delete body[k];
    return body;
  };
  const showPreview = h('button', { type: 'button', text: 'Show JSON' });
  // an inline key's value is sent once but not shown here, so that it never sits in the page as text
  showPreview.addEventListener('click', () => {
    preview.textContent = JSON.stringify(collect(), (k, v) => (k === 'value' && typeof v === 'string' && v
      ? '(typed, not shown)' : v), 2);
  });

  const title = id ? `Configuration ${c.name || id}` : 'New configuration';
  const form = h('form', { 'aria-label': title, novalidate: true },
    datalist,
    section(title,
      field('Name', name), field('Description', description), field('Metadata', metadata),
      h('p', { class: 'muted mono', text: id ? `Id ${id}` : '' })),
    accessSection, routingSection, limits.el,
    h('div', {},
      h('button', { type: 'submit', class: 'primary', text: 'Save' }),
      h('button', { type: 'button', text: 'Cancel', onclick: () => go('#configurations') }),
      id ? deleteButton(`configuration ${c.name || id}`, async () => {
        await api('DELETE', `/access-key-configurations/${encodeURIComponent(id)}`);
        window.history.pushState(null, '', '#configurations');
      }) : null,
      showPreview),
    error, preview);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    error.textContent = '';
    const body = collect();
    try {
      const saved = id ? await api('PATCH', `/access-key-configurations/${encodeURIComponent(id)}`, body)
        : await api('POST', '/access-key-configurations', body);
      await go('#configurations');
      setStatus(`Saved configuration ${saved && saved.name ? saved.name : body.name}.`);
    } catch (e) {
      showApiError(form, error, e);
    }
  });
  return form;
}

function ruleModel(r) {
  const hasModel = r.model !== undefined && r.model !== null;
  const hasProvider = r.provider !== undefined && r.provider !== null;
  return {
    by: hasModel && hasProvider ? 'both' : (hasModel ? 'model' : 'provider'),
    match: hasModel && !hasProvider ? r.model : (r.provider || ''),
    model: hasModel && hasProvider ? r.model : '',
    steps: (r.steps || []).map((s) => ({
      type: s.type || 'user',
      keySelectionStrategy: s.keySelectionStrategy || 'ordered',
      keys: (s.keys || []).map((k) => ({ ...k })),
    })),
  };
}

function ruleJson(r) {
  const out = {};
  if (r.by === 'both') {
    out.provider = r.match.trim();
    out.model = r.model.trim();
  } else {
    out[r.by] = r.match.trim();
  }
  out.steps = r.steps.map((s) => {
    if (s.type !== 'user') return { type: s.type };
    const step = { type: 'user', keySelectionStrategy: s.keySelectionStrategy };
    step.keys = s.keys.map((k) => {
      if (k.id) return k.weight && s.keySelectionStrategy === 'weighted' ? { id: k.id, weight: Number(k.weight) } : { id: k.id };
      // an empty value is sent as such, so that the API's error names the value field
      const inline = { name: k.name || '', value: k.value || '' };
      if (k.weight && s.keySelectionStrategy === 'weighted') inline.weight = Number(k.weight);
      return inline;
    });
    return step;
  });
  return out;
}

function move(list, i, delta) {
  const j = i + delta;
  if (j < 0 || j >= list.length) return;
  [list[i], list[j]] = [list[j], list[i]];
}

function ruleView(rule, i, rules, redraw, providerKeys, listId) {
  const path = `router.rules[${i}]`;
  const by = h('select', {}, h('option', { value: 'provider', text: 'provider', selected: rule.by === 'provider' }),
    h('option', { value: 'model', text: 'model', selected: rule.by === 'model' }),
    h('option', { value: 'both', text: 'provider and model', selected: rule.by === 'both' }));
  const match = h('input', { type: 'text', value: rule.match, 'data-role': 'match',
    'data-path': `${path}.${rule.by === 'model' ? 'model' : 'provider'}`, list: rule.by === 'model' ? null : listId });
  by.addEventListener('change', () => {
    if (by.value === 'both' && rule.by === 'model') {
      rule.model = rule.match;
      rule.match = '';
    } else if (rule.by === 'both' && by.value === 'model') {
      rule.match = rule.model;
    }
    rule.by = by.value;
    redraw();
  });
  match.addEventListener('input', () => { rule.match = match.value; });
  const matchFields = [h('div', {}, field(rule.by === 'model' ? 'Model' : 'Provider', match))];
  if (rule.by === 'both') {
    const model = h('input', { type: 'text', value: rule.model, 'data-path': `${path}.model` });
    model.addEventListener('input', () => { rule.model = model.value; });
    matchFields.push(h('div', {}, field('Model', model)));
  }
  const stepsHolder = h('div', { 'data-path': `${path}.steps` });
  rule.steps.forEach((s, j) => stepsHolder.append(stepView(rule, s, j, `${path}.steps[${j}]`, redraw, providerKeys)));
  const addStep = h('button', { type: 'button', text: 'Add step' });
  addStep.addEventListener('click', () => {
    rule.steps.push({ type: 'user', keySelectionStrategy: 'ordered', keys: [] });
    redraw();
  });
  const legend = `Rule ${i + 1}`;
  return h('fieldset', { class: 'rule', 'data-path': path }, h('legend', { text: legend }),
    h('div', { class: 'row' },
      h('div', {}, field('Match by', by)),
      matchFields),
    stepsHolder, addStep,
    h('button', { type: 'button', text: 'Move rule up', disabled: i === 0, onclick: () => { move(rules, i, -1); redraw(); } }),
    h('button', { type: 'button', text: 'Move rule down', disabled: i === rules.length - 1, onclick: () => { move(rules, i, 1); redraw(); } }),
    h('button', { type: 'button', class: 'danger', text: 'Remove rule', onclick: () => { rules.splice(i, 1); redraw(); } }));
}

function stepView(rule, step, j, path, redraw, providerKeys) {
  const type = h('select', { 'data-path': `${path}.type` },
    ['user', 'managed', 'ngrok'].map((t) => h('option', { value: t, text: t, selected: step.type === t })));
  type.addEventListener('change', () => { step.type = type.value; redraw(); });
  const box = h('fieldset', { 'data-path': path }, h('legend', { text: `Step ${j + 1}` }), field('Step type', type));
  if (step.type === 'user') {
    const strategy = h('select', { 'data-path': `${path}.keySelectionStrategy` },
      ['ordered', 'round-robin', 'weighted'].map((t) => h('option', { value: t, text: t, selected: step.keySelectionStrategy === t })));
    strategy.addEventListener('change', () => { step.keySelectionStrategy = strategy.value; redraw(); });
    box.append(field('Key selection', strategy));
    const keysHolder = h('div', { 'data-path': `${path}.keys`, tabindex: '-1' });
    step.keys.forEach((k, n) => keysHolder.append(keyRow(rule, step, k, n, `${path}.keys[${n}]`, redraw, providerKeys)));
    if (step.keys.length === 0) keysHolder.append(h('p', { class: 'muted', text: 'No provider keys in this step yet.' }));
    const add = h('button', { type: 'button', text: 'Add provider key' });
    add.addEventListener('click', () => {
      const forProvider = providerKeys.filter((k) => rule.by !== 'provider' || !rule.match || k.providerId === rule.match.trim());
      const first = forProvider.find((k) => !step.keys.some((x) => x.id === k.id));
      step.keys.push(first ? { id: first.id } : { id: '' });
      redraw();
    });
    const addInline = h('button', { type: 'button', text: 'Add inline key' });
    addInline.addEventListener('click', () => { step.keys.push({ name: '', value: '' }); redraw(); });
    box.append(h('div', { class: 'hint', text: 'Provider keys, tried in this order. An inline key (a name and a value) is stored as a new provider key when the configuration is saved.' }),
      keysHolder, add, addInline);
  } else {
    box.append(h('p', { class: 'hint', text: 'Uses the managed credential the host supplies for this provider, if any.' }));
  }
  box.append(
    h('button', { type: 'button', text: 'Move step up', disabled: j === 0, onclick: () => { move(rule.steps, j, -1); redraw(); } }),
    h('button', { type: 'button', text: 'Move step down', disabled: j === rule.steps.length - 1, onclick: () => { move(rule.steps, j, 1); redraw(); } }),
    h('button', { type: 'button', class: 'danger', text: 'Remove step', onclick: () => { rule.steps.splice(j, 1); redraw(); } }));
  return box;
}

function keyRow(rule, step, key, n, path, redraw, providerKeys) {
  const row = h('div', { class: 'row', 'data-path': path });
  if (key.id !== undefined && key.id !== null) {
    const select = h('select', { 'data-path': `${path}.id` }, h('option', { value: '', text: '(choose a provider key)' }));
    let found = false;
    for (const pk of providerKeys) {
      const selected = pk.id === key.id;
      found = found || selected;
      select.append(h('option', { value: pk.id, selected, text: `${pk.name} (${pk.providerId}, ${pk.keyRedacted})` }));
    }
    if (!found && key.id) select.append(h('option', { value: key.id, selected: true, text: `${key.name || key.id} (missing)` }));
    select.addEventListener('change', () => { key.id = select.value; });
    row.append(h('div', {}, field(`Provider key ${n + 1}`, select)));
  } else {
    const name = h('input', { type: 'text', value: key.name || '', 'data-path': `${path}.name` });
    // an inline key becomes a stored provider key when the configuration is saved; its value never comes back
    const value = h('input', { type: 'password', value: key.value || '', autocomplete: 'off', 'data-path': `${path}.value` });
    name.addEventListener('input', () => { key.name = name.value; });
    value.addEventListener('input', () => { key.value = value.value; });
    row.append(h('div', {}, field(`Inline key ${n + 1} name`, name)), h('div', {}, field(`Inline key ${n + 1} value`, value)));
  }
  if (step.keySelectionStrategy === 'weighted') {
    const weight = h('input', { type: 'number', min: 1, max: 1000, value: key.weight || 1, 'data-path': `${path}.weight` });
    weight.addEventListener('input', () => { key.weight = weight.value; });
    row.append(h('div', {}, field('Weight', weight)));
  }
  row.append(h('div', { class: 'actions' },
    h('button', { type: 'button', text: 'Up', 'aria-label': `Move provider key ${n + 1} up`, disabled: n === 0,
      onclick: () => { move(step.keys, n, -1); redraw(); } }),
    h('button', { type: 'button', text: 'Down', 'aria-label': `Move provider key ${n + 1} down`, disabled: n === step.keys.length - 1,
      onclick: () => { move(step.keys, n, 1); redraw(); } }),
    h('button', { type: 'button', text: 'Remove', 'aria-label': `Remove provider key ${n + 1}`,
      onclick: () => { step.keys.splice(n, 1); redraw(); } })));
  return row;
}

// ---------------------------------------------------------------------------------------------- Provider keys

async function providerKeysPage() {
  const keys = await listAll('/provider-keys', 'aiGatewayProviderKeys');
  const listId = uid('providers');
  const provider = h('input', { type: 'text', list: listId, 'data-path': 'providerId' });
  const name = h('input', { type: 'text', 'data-path': 'name' });
  const value = h('input', { type: 'password', autocomplete: 'off', 'data-path': 'value' });
  const description = h('input', { type: 'text', 'data-path': 'description' });
  const error = formError();
  const form = h('form', { 'aria-label': 'New provider key' },
    h('h3', { text: 'New provider key' }),
    h('datalist', { id: listId }, KNOWN_PROVIDERS.map((p) => h('option', { value: p }))),
    h('div', { class: 'row' }, h('div', {}, field('Provider', provider)), h('div', {}, field('Name', name)),
      h('div', {}, field('Value', value)), h('div', {}, field('Description', description))),
    h('p', { class: 'hint', text: 'The value is sent once and stored encrypted; it is never shown again.' }),
    h('button', { type: 'submit', class: 'primary', text: 'Create provider key' }), error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    error.textContent = '';
    const body = { providerId: provider.value.trim(), name: name.value.trim(), value: value.value };
    if (description.value.trim()) body.description = description.value.trim();
    try {
      await api('POST', '/provider-keys', body);
      value.value = '';
      await render();
      setStatus(`Created provider key ${body.name}.`);
    } catch (e) {
      showApiError(form, error, e);
    }
  });
  const rows = keys.map((k) => {
    const rotateHolder = h('div', {});
    const rotate = h('button', { type: 'button', text: 'Rotate' });
    rotate.addEventListener('click', () => rotateHolder.replaceChildren(rotateForm(k, rotateHolder)));
    return h('tr', {},
      h('td', { text: k.name }),
      h('td', { text: k.providerId }),
      h('td', { class: 'mono', text: k.keyRedacted }),
      h('td', { text: k.description || '' }),
      h('td', { text: fmtTime(k.lastUsed) }),
      h('td', {}, rotate, deleteButton(`provider key ${k.name}`,
        () => api('DELETE', `/provider-keys/${encodeURIComponent(k.id)}`)), rotateHolder));
  });
  return section('Provider keys',
    h('p', { class: 'hint', text: 'Upstream credentials. Routing rules refer to them by id.' }),
    form,
    keys.length === 0 ? h('p', { class: 'muted', text: 'No provider keys yet.' })
      : h('table', { 'aria-label': 'Provider keys' },
        h('thead', {}, h('tr', {}, ['Name', 'Provider', 'Key', 'Description', 'Last used', ''].map((t) => h('th', { text: t })))),
        h('tbody', {}, rows)));
}

function rotateForm(k, holder) {
  const value = h('input', { type: 'password', autocomplete: 'off', 'data-path': 'value' });
  const error = formError();
  const form = h('form', { 'aria-label': `Rotate provider key ${k.name}` },
    field('New value', value),
    h('button', { type: 'submit', class: 'primary', text: 'Rotate key' }),
    h('button', { type: 'button', text: 'Cancel', onclick: () => holder.replaceChildren() }), error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    try {
      await api('POST', `/provider-keys/${encodeURIComponent(k.id)}/rotate`, { name: k.name, value: value.value });
      value.value = '';
      await render();
      setStatus(`Rotated provider key ${k.name}.`);
    } catch (e) {
      showApiError(form, error, e);
    }
  });
  return form;
}

// ---------------------------------------------------------------------------------------------- Providers

const SURFACES = [
  ['openai', 'chat-completions'], ['openai', 'completions'], ['openai', 'embeddings'], ['openai', 'responses'],
  ['anthropic', 'messages'],
];

async function providersPage() {
  const providers = await listAll('/providers', 'aiGatewayProviders');
  const formHolder = h('div', {});
  const showCreate = () => formHolder.replaceChildren(providerForm(null, showCreate));
  showCreate();
  const rows = providers.map((p) => {
    const edit = h('button', { type: 'button', text: 'Edit' });
    edit.addEventListener('click', () => {
      formHolder.replaceChildren(providerForm(p, showCreate));
      formHolder.querySelector('input:not([readonly])').focus();
    });
    return h('tr', {},
      h('td', { class: 'mono', text: p.providerId }),
      h('td', { text: p.name || '' }),
      h('td', { class: 'mono', text: p.baseUrl }),
      h('td', { text: (p.supportedApiSurfaces || []).map((s) => `${s.format} ${s.surface}`).join(', ') }),
      h('td', { text: (p.models || []).map((m) => m.modelId || m.id).join(', ') }),
      h('td', { class: 'mono', text: p.authHeader ? `${p.authHeader}: ${p.authValuePrefix || ''}…` : 'Authorization: Bearer …' }),
      h('td', {}, edit, deleteButton(`provider ${p.providerId}`,
        () => api('DELETE', `/providers/${encodeURIComponent(p.providerId)}`))));
  });
  return section('Providers',
    h('p', { class: 'hint', text: 'Custom providers: any OpenAI- or Anthropic-compatible endpoint. Built-in providers need no entry here. A provider needs provider keys (or a rule with inline keys) before it can serve.' }),
    formHolder,
    providers.length === 0 ? h('p', { class: 'muted', text: 'No custom providers.' })
      : h('table', { 'aria-label': 'Custom providers' },
        h('thead', {}, h('tr', {}, ['Provider id', 'Name', 'Base URL', 'Surfaces', 'Models', 'Auth', ''].map((t) => h('th', { text: t })))),
        h('tbody', {}, rows)));
}

/** Create (p null) or edit a custom provider; the provider id cannot change once created. */
function providerForm(p, onDone) {
  const editing = !!p;
  const providerId = h('input', { type: 'text', 'data-path': 'providerId', value: p ? p.providerId : '',
    readonly: editing, 'aria-readonly': editing ? 'true' : null });
  const name = h('input', { type: 'text', 'data-path': 'name', value: p ? p.name || '' : '' });
  const baseUrl = h('input', { type: 'text', 'data-path': 'baseUrl', placeholder: 'https://llm.example.com/v1',
    value: p ? p.baseUrl || '' : '' });
  const models = h('textarea', { 'data-path': 'models' },
    p ? (p.models || []).map((m) => m.modelId || m.id).join('\n') : '');
  const authHeader = h('input', { type: 'text', 'data-path': 'authHeader', placeholder: 'Authorization',
    value: p ? p.authHeader || '' : '' });
  const authValuePrefix = h('input', { type: 'text', 'data-path': 'authValuePrefix', placeholder: 'Bearer ',
    value: p ? p.authValuePrefix || '' : '' });
  const metadata = h('input', { type: 'text', 'data-path': 'metadata', value: p ? p.metadata || '' : '' });
  // the surfaces offered, plus any other the provider already has, so an edit keeps them
  const existing = p ? (p.supportedApiSurfaces || []) : [];
  const offered = SURFACES.map(([format, surface]) => ({ format, surface }));
  for (const s of existing) {
    if (!offered.some((o) => o.format === s.format && o.surface === s.surface)) offered.push({ format: s.format, surface: s.surface });
  }
  const surfaceBoxes = offered.map(({ format, surface }) => {
    const had = existing.find((s) => s.format === format && s.surface === surface);
    const box = h('input', { type: 'checkbox', checked: p ? !!had : surface === 'chat-completions' });
    return { format, surface, had, box, label: h('label', { class: 'inline' }, box, `${format} ${surface}`) };
  });
  const surfacesGroup = h('fieldset', { 'data-path': 'supportedApiSurfaces', tabindex: '-1' },
    h('legend', { text: 'API surfaces' }), surfaceBoxes.map((s) => s.label));
  const error = formError();
  const title = editing ? `Edit provider ${p.providerId}` : 'New custom provider';
  const form = h('form', { 'aria-label': title },
    h('h3', { text: title }),
    h('div', { class: 'row' }, h('div', {}, field('Provider id', providerId, editing ? 'Cannot be changed' : null)),
      h('div', {}, field('Name', name)), h('div', {}, field('Base URL', baseUrl))),
    surfacesGroup,
    field('Models', models, 'One model id per line'),
    h('div', { class: 'row' }, h('div', {}, field('Auth header', authHeader)),
      h('div', {}, field('Auth value prefix', authValuePrefix)), h('div', {}, field('Metadata', metadata))),
    h('button', { type: 'submit', class: 'primary', text: editing ? 'Save' : 'Create provider' }),
    editing ? h('button', { type: 'button', text: 'Cancel', onclick: () => onDone() }) : null,
    error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    error.textContent = '';
    const body = {
      baseUrl: baseUrl.value.trim(),
      supportedApiSurfaces: surfaceBoxes.filter((s) => s.box.checked).map((s) => {
        const out = { format: s.format, surface: s.surface };
        if (s.had && Array.isArray(s.had.supportedParams) && s.had.supportedParams.length) {
          out.supportedParams = s.had.supportedParams.map((x) => ({ name: x.name }));
        }
        return out;
      }),
      models: lines(models.value).map((m) => ({ modelId: m })),
    };
    try {
      if (editing) {
        body.name = name.value.trim() || p.providerId;
        body.authHeader = authHeader.value.trim() || null;
        body.authValuePrefix = authValuePrefix.value || null;
        body.metadata = metadata.value.trim() || null;
        await api('PATCH', `/providers/${encodeURIComponent(p.providerId)}`, body);
        await render();
        setStatus(`Saved provider ${p.providerId}.`);
      } else {
        body.providerId = providerId.value.trim();
        if (name.value.trim()) body.name = name.value.trim();
        if (authHeader.value.trim()) body.authHeader = authHeader.value.trim();
        if (authValuePrefix.value) body.authValuePrefix = authValuePrefix.value;
        if (metadata.value.trim()) body.metadata = metadata.value.trim();
        await api('POST', '/providers', body);
        await render();
        setStatus(`Created provider ${body.providerId}.`);
      }
    } catch (e) {
      showApiError(form, error, e);
    }
  });
  return form;
}

// ---------------------------------------------------------------------------------------------- Virtual models

async function virtualModelsPage() {
  const models = await listAll('/virtual-models', 'aiGatewayVirtualModels');
  const formHolder = h('div', {});
  const showCreate = () => formHolder.replaceChildren(virtualModelForm(null, showCreate));
  showCreate();
  const rows = models.map((m) => {
    const edit = h('button', { type: 'button', text: 'Edit' });
    edit.addEventListener('click', () => {
      formHolder.replaceChildren(virtualModelForm(m, showCreate));
      formHolder.querySelector('input').focus();
    });
    return h('tr', {},
      h('td', { class: 'mono', text: m.name }),
      h('td', { text: m.description || '' }),
      h('td', { text: (m.targets || []).map((t) => targetString(t)).join(' → ') }),
      h('td', {}, edit, deleteButton(`virtual model ${m.name}`,
        () => api('DELETE', `/virtual-models/${encodeURIComponent(m.id)}`))));
  });
  return section('Virtual models',
    h('p', { class: 'hint', text: 'A name that stands for an ordered list of models; a request for it tries each in turn.' }),
    formHolder,
    models.length === 0 ? h('p', { class: 'muted', text: 'No virtual models.' })
      : h('table', { 'aria-label': 'Virtual models' },
        h('thead', {}, h('tr', {}, ['Name', 'Description', 'Targets', ''].map((t) => h('th', { text: t })))),
        h('tbody', {}, rows)));
}

function targetString(t) {
  if (typeof t === 'string') return t;
  return t.provider ? `${t.provider}:${t.model}` : String(t.model || '');
}

/** Create (m null) or edit a virtual model: a name and an ordered list of 1 to 10 target models. */
function virtualModelForm(m, onDone) {
  const editing = !!m;
  const name = h('input', { type: 'text', 'data-path': 'name', value: m ? m.name : '', maxlength: 64 });
  const description = h('input', { type: 'text', 'data-path': 'description', value: m ? m.description || '' : '' });
  const targets = m ? (m.targets || []).map((t) => targetString(t)) : [''];
  const targetsHolder = h('div', { 'data-path': 'targets', tabindex: '-1' });
  const redraw = (focusIndex) => {
    targetsHolder.replaceChildren(...targets.map((t, i) => {
      const input = h('input', { type: 'text', value: t, 'data-path': `targets[${i}]`, placeholder: 'openai/gpt-4o' });
      input.addEventListener('input', () => { targets[i] = input.value; });
      return h('div', { class: 'row' }, h('div', {}, field(`Target ${i + 1}`, input)), h('div', { class: 'actions' },
        h('button', { type: 'button', text: 'Up', 'aria-label': `Move target ${i + 1} up`, disabled: i === 0,
          onclick: () => { move(targets, i, -1); redraw(i - 1); } }),
        h('button', { type: 'button', text: 'Down', 'aria-label': `Move target ${i + 1} down`, disabled: i === targets.length - 1,
          onclick: () => { move(targets, i, 1); redraw(i + 1); } }),
        h('button', { type: 'button', text: 'Remove', 'aria-label': `Remove target ${i + 1}`, disabled: targets.length === 1,
          onclick: () => { targets.splice(i, 1); redraw(Math.min(i, targets.length - 1)); } })));
    }));
    addTarget.disabled = targets.length >= 10;
    if (focusIndex !== undefined) {
      const inputs = targetsHolder.querySelectorAll('input');
      if (inputs[focusIndex]) inputs[focusIndex].focus();
    }
  };
  const addTarget = h('button', { type: 'button', text: 'Add target' });
  addTarget.addEventListener('click', () => { targets.push(''); redraw(targets.length - 1); });
  redraw();
  const error = formError();
  const title = editing ? `Edit virtual model ${m.name}` : 'New virtual model';
  const form = h('form', { 'aria-label': title },
    h('h3', { text: title }),
    h('div', { class: 'row' }, h('div', {}, field('Name', name)), h('div', {}, field('Description', description))),
    h('fieldset', {}, h('legend', { text: 'Targets, tried in this order (1 to 10)' }),
      h('div', { class: 'hint', text: 'A model as a client would write it: openai/gpt-4o, anthropic:claude-sonnet-4-6 or a catalog id.' }),
      targetsHolder, addTarget),
    h('button', { type: 'submit', class: 'primary', text: editing ? 'Save' : 'Create virtual model' }),
    editing ? h('button', { type: 'button', text: 'Cancel', onclick: () => onDone() }) : null,
    error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    error.textContent = '';
    const body = { name: name.value.trim(), targets: targets.map((t) => t.trim()).map((t) => ({ model: t })) };
    try {
      if (editing) {
        body.description = description.value.trim() || null;
        await api('PATCH', `/virtual-models/${encodeURIComponent(m.id)}`, body);
        await render();
        setStatus(`Saved virtual model ${body.name}.`);
      } else {
        if (description.value.trim()) body.description = description.value.trim();
        await api('POST', '/virtual-models', body);
        await render();
        setStatus(`Created virtual model ${body.name}.`);
      }
    } catch (e) {
      showApiError(form, error, e);
    }
  });
  return form;
}

// ---------------------------------------------------------------------------------------------- Usage

async function usagePage(args) {
  // names for access key ids and provider key ids; a host without these lists still shows ids
  const [accessKeys, providerKeys] = await Promise.all([
    listAll('/access-keys', 'aiGatewayAccessKeys').catch(() => []),
    listAll('/provider-keys', 'aiGatewayProviderKeys').catch(() => []),
  ]);
  const names = {
    accessKey: new Map(accessKeys.map((k) => [k.id, k.name || k.id])),
    providerKey: new Map(providerKeys.map((k) => [k.id, k.name || k.id])),
  };
  const requestId = h('input', { type: 'text', value: args[0] || '', placeholder: 'rq_...' });
  const result = h('div', {});
  const error = formError();
  const form = h('form', { 'aria-label': 'Find a request' },
    field('Request id', requestId, 'From the AIG-Request-Id header of a gateway response, or pick one under Recent requests'),
    h('button', { type: 'submit', class: 'primary', text: 'Show attempts' }), error);
  const lookup = async () => {
    error.textContent = '';
    result.replaceChildren();
    const id = requestId.value.trim();
    if (!id) return;
    try {
      result.replaceChildren(requestView(await api('GET', `/usage/requests/${encodeURIComponent(id)}`), names));
    } catch (e) {
      if (e.status !== 401) error.textContent = e.status === 404 ? `No recent request ${id} is known.` : e.message;
    }
  };
  form.addEventListener('submit', (event) => { event.preventDefault(); lookup(); });
  const show = (id) => {
    requestId.value = id;
    lookup().then(() => {
      const table = result.querySelector('table');
      if (table) table.focus();
    });
  };
  const charts = h('div', {});
  const recent = h('div', {});
  const page = section('Usage',
    h('h3', { text: 'Requests, errors and cost per day' }), charts,
    h('h3', { text: 'Recent requests' }), recent,
    h('h3', { text: 'One request and its attempts' }), form, result);
  await Promise.all([overview(charts, 'provider', names), recentRequests(recent, names, show)]);
  if (args[0]) await lookup();
  return page;
}

function requestView(r, names) {
  const rows = (r.attempts || []).map((a) => {
    const ev = a.event || {};
    const keyName = ev.providerKeyId ? names.providerKey.get(ev.providerKeyId) : null;
    return h('tr', {},
      h('td', { text: String(ev.attemptNumber) }),
      h('td', { text: ev.provider || '' }),
      h('td', { text: ev.model || '' }),
      h('td', {}, ev.providerKeyId ? [keyName && keyName !== ev.providerKeyId ? `${keyName} ` : '',
        h('span', { class: 'mono', text: ev.providerKeyId })] : h('span', { class: 'mono', text: ev.keySource || '' })),
      h('td', { text: ev.statusCode ? String(ev.statusCode) : (ev.timedOut ? 'timed out' : 'no response') }),
      h('td', { text: a.retryAction || '' }),
      h('td', { text: a.served ? 'served' : (a.error || a.completion || '') }),
      h('td', { text: `${ev.inputTokens || 0} / ${ev.outputTokens || 0}` }),
      h('td', { text: `${a.upstreamDurationMs} ms` }));
  });
  const keyName = r.accessKeyId ? names.accessKey.get(r.accessKeyId) : null;
  return h('div', {},
    h('p', {}, 'Request ', h('code', { text: r.requestId }), ` at ${fmtTime(r.startedAt)}`,
      keyName ? ` with access key ${keyName}` : '', ` answered ${r.statusCode}`,
      r.errorCode ? ` (${r.errorCode})` : '', ` after ${(r.attempts || []).length} attempt(s).`),
    h('table', { 'aria-label': 'Attempts', tabindex: '-1' },
      h('thead', {}, h('tr', {}, ['#', 'Provider', 'Model', 'Provider key', 'Status', 'Verdict', 'Outcome', 'Tokens in / out', 'Duration']
        .map((t) => h('th', { text: t })))),
      h('tbody', {}, rows)));
}

/** The last requests (their final attempts) from /usage; each request id opens its attempts. */
async function recentRequests(holder, names, show) {
  let data;
  try {
    data = await api('GET', '/usage?limit=20&includeRetries=false');
  } catch (e) {
    if (e.status === 401) return;
    holder.replaceChildren(h('p', { class: 'muted', text: e.status === 404 || e.status === 405
      ? 'Usage events are not available from this gateway: it does not serve /usage.'
      : `Usage events are not available: ${e.message}` }));
    return;
  }
  const items = Array.isArray(data && data.items) ? data.items : [];
  if (items.length === 0) {
    holder.replaceChildren(h('p', { class: 'muted', text: 'No requests recorded yet.' }));
    return;
  }
  const rows = items.map((ev) => {
    const open = h('button', { type: 'button', class: 'link mono', text: ev.requestId,
      'aria-label': `Show attempts of ${ev.requestId}` });
    open.addEventListener('click', () => show(ev.requestId));
    return h('tr', {},
      h('td', { class: 'nowrap', text: fmtTime(ev.timestamp) }),
      h('td', {}, open),
      h('td', { text: names.accessKey.get(ev.accessKeyId) || ev.accessKeyId || '' }),
      h('td', { text: ev.provider || '' }),
      h('td', { text: ev.model || '' }),
      h('td', { class: ev.isError ? 'error' : null, text: ev.statusCode ? String(ev.statusCode) : (ev.timedOut ? 'timed out' : 'no response') }),
      h('td', { text: String(ev.attemptNumber) }),
      h('td', { text: `${ev.inputTokens || 0} / ${ev.outputTokens || 0}` }),
      h('td', { text: fmtNumber(Number(ev.totalCost) || 0, 'cost') }));
  });
  holder.replaceChildren(h('table', { 'aria-label': 'Recent requests' },
    h('thead', {}, h('tr', {}, ['Time', 'Request', 'Access key', 'Provider', 'Model', 'Status', 'Attempts', 'Tokens in / out', 'Cost (USD)']
      .map((t) => h('th', { text: t })))),
    h('tbody', {}, rows)));
}

async function overview(holder, groupBy, names) {
  let data;
  try {
    data = await api('GET', `/usage/overview?groupBy=${encodeURIComponent(groupBy)}`);
  } catch (e) {
    if (e.status === 401) return;
    holder.replaceChildren(h('p', { class: 'muted', text: e.status === 404 || e.status === 405
      ? 'Usage data is not available from this gateway: it does not serve /usage/overview.'
      : `Usage data is not available: ${e.message}` }));
    return;
  }
  const raw = Array.isArray(data) ? data : (Array.isArray(data && data.items) ? data.items
    : (Object.values(data || {}).find((v) => Array.isArray(v)) || []));
  // access keys are shown by name (a deleted key by its id)
  const label = (key) => {
    const k = key === null || key === undefined || key === '' ? '(none)' : String(key);
    return groupBy === 'accessKey' && names.accessKey.has(k) ? names.accessKey.get(k) : k;
  };
  const buckets = raw.map((b) => ({ ...b, groupKey: label(b.groupKey) }));
  const select = h('select', {}, ['provider', 'accessKey'].map((g) => h('option', { value: g,
    text: g === 'provider' ? 'provider' : 'access key', selected: g === groupBy })));
  select.addEventListener('change', async () => {
    await overview(holder, select.value, names);
    const again = holder.querySelector('select');
    if (again) again.focus();
  });
  const content = [h('div', { class: 'row' }, h('div', {}, field('Group by', select)))];
  if (buckets.length === 0) content.push(h('p', { class: 'muted', text: 'No usage recorded yet.' }));
  else {
    content.push(h('div', { class: 'charts' },
      chart('Requests per day', buckets, 'requests'),
      chart('Errors per day', buckets, 'errors'),
      chart('Cost per day', buckets, 'cost')));
    content.push(numbersTable(buckets));
  }
  holder.replaceChildren(...content);
}

/** The charts' numbers as a table, for reading exact values and for assistive technology. */
function numbersTable(buckets) {
  const rows = buckets.map((b) => h('tr', {},
    h('td', { text: String(b.bucketStart).substring(0, 10) }),
    h('td', { text: b.groupKey }),
    h('td', { text: fmtNumber(Number(b.requests) || 0, 'requests') }),
    h('td', { text: fmtNumber(Number(b.errors) || 0, 'errors') }),
    h('td', { text: fmtNumber(Number(b.cost) || 0, 'cost') })));
  return h('details', {}, h('summary', { text: 'Show the numbers' }),
    h('table', { 'aria-label': 'Usage per day' },
      h('thead', {}, h('tr', {}, ['Day (UTC)', 'Group', 'Requests', 'Errors', 'Cost (USD)'].map((t) => h('th', { text: t })))),
      h('tbody', {}, rows)));
}

const COLOR_COUNT = 8;

/** A stacked bar chart in plain SVG: one bar per day, one colour per group (colours from the style sheet). */
function chart(title, buckets, measure) {
  const NS = 'http://www.w3.org/2000/svg';
  const days = [...new Set(buckets.map((b) => String(b.bucketStart).substring(0, 10)))].sort();
  const groups = [...new Set(buckets.map((b) => String(b.groupKey)))];
  const totals = days.map((d) => buckets.filter((b) => String(b.bucketStart).startsWith(d))
    .reduce((s, b) => s + (Number(b[measure]) || 0), 0));
  const max = Math.max(measure === 'cost' ? 0 : 1, ...totals) || 1;
  const width = 340;
  const height = 170;
  const pad = 52;
  const slot = (width - pad - 8) / Math.max(1, days.length);
  const bw = Math.min(40, Math.max(4, slot - 8));
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height + 24}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${title}: ${days.map((d, i) => `${d} ${fmtNumber(totals[i], measure)}`).join(', ')}`);
  const add = (tag, attrs, textContent) => {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (textContent !== undefined) el.textContent = textContent;
    svg.append(el);
    return el;
  };
  const top = 12;
  add('line', { x1: pad, y1: height, x2: width - 4, y2: height, class: 'axis' });
  add('line', { x1: pad, y1: top, x2: width - 4, y2: top, class: 'grid' });
  add('text', { x: pad - 6, y: top + 4, 'text-anchor': 'end', class: 'tick' }, fmtNumber(max, measure));
  add('text', { x: pad - 6, y: height, 'text-anchor': 'end', class: 'tick' }, '0');
  days.forEach((d, i) => {
    let y = height;
    const x = pad + i * slot + (slot - bw) / 2;
    groups.forEach((g, gi) => {
      const v = buckets.filter((b) => String(b.bucketStart).startsWith(d) && String(b.groupKey) === g)
        .reduce((s, b) => s + (Number(b[measure]) || 0), 0);
      if (v <= 0) return;
      const bh = Math.max(1, (v / max) * (height - top));
      y -= bh;
      const rect = add('rect', { x, y, width: bw, height: bh, class: `c${gi % COLOR_COUNT}` });
      const tip = document.createElementNS(NS, 'title');
      tip.textContent = `${d} ${g}: ${fmtNumber(v, measure)}`;
      rect.append(tip);
    });
    add('text', { x: x + bw / 2, y: height + 14, 'text-anchor': 'middle', class: 'tick' }, d.substring(5));
  });
  const legend = h('div', { class: 'legend' }, groups.map((g, gi) =>
    h('span', {}, h('span', { class: `swatch c${gi % COLOR_COUNT}` }), g)));
  return h('figure', { class: 'chart' }, h('figcaption', { text: measure === 'cost' ? `${title} (USD)` : title }), svg, legend);
}

/** Counts as whole numbers; US dollars with two places, or two significant digits below a cent. */
function fmtNumber(v, measure) {
  if (measure !== 'cost') return String(Math.round(v));
  const n = Number(v);
  if (n === 0 || Math.abs(n) >= 0.01) return n.toFixed(2);
  return n.toPrecision(2);
}

// ---------------------------------------------------------------------------------------------- start

document.getElementById('sign-in-form').addEventListener('submit', signIn);
document.getElementById('sign-out').addEventListener('click', () => signOut('Signed out.'));
window.addEventListener('hashchange', () => {
  setStatus('');
  render();
});
render();
