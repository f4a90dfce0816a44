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
    signOut('Your admin key was not accepted any more. Sign in again.');
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

function showSignIn(message) {
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
  try {
    const content = await page(rest.map(decodeURIComponent));
    target.replaceChildren(content);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    target.replaceChildren(h('p', { class: 'error', role: 'alert', text: `Could not load this page: ${e.message}` }));
  }
}

/** Shows another page; the status line is kept, so a message set after this call stays visible. */
function go(hash) {
  if (window.location.hash !== hash) window.history.pushState(null, '', hash);
  return render();
}

/** A two-step delete: the first click asks, the second deletes. */
function deleteButton(what, onConfirm) {
  const holder = h('span', {});
  const ask = h('button', { type: 'button', class: 'danger', text: 'Delete', 'aria-label': 'Delete' });
  ask.addEventListener('click', () => {
    const error = h('span', { class: 'error', role: 'alert' });
    const confirm = h('button', { type: 'button', class: 'danger', text: 'Confirm delete' });
    const cancel = h('button', { type: 'button', text: 'Cancel' });
    confirm.addEventListener('click', async () => {
      try {
        await onConfirm();
        await render();
        setStatus(`Deleted ${what}.`);
      } catch (e) {
        error.textContent = e.message;
      }
    });
    cancel.addEventListener('click', () => holder.replaceChildren(ask));
    holder.replaceChildren(h('span', { text: `Delete ${what}? ` }), confirm, cancel, error);
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
      }
    } catch (e) {
      showApiError(form, error, e);
    }
  });
  return form;
}

/** The new token, shown once: it is kept in this panel only, never in storage, and gone on reload. */
function tokenPanel(created) {
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
  const panel = section(`Access key ${created.name || created.id} created`,
    h('p', { class: 'warning', role: 'alert',
      text: 'Copy this token now: it is only shown once. The gateway keeps only a hash of it, so it cannot be shown again.' }),
    field('Token', token), copy, copied, h('div', {}, done));
  done.addEventListener('click', () => {
    token.value = '';
    render();
  });
  return panel;
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
      h('td', { class: 'mono', text: c.id }),
      h('td', {}, edit, deleteButton(`configuration ${c.name || c.id}`,
        () => api('DELETE', `/access-key-configurations/${encodeURIComponent(c.id)}`))));
  });
  return section('Configurations',
    h('p', { class: 'hint', text: 'A configuration sets what its access keys may call (Access) and how their requests are routed (Routing).' }),
    newButton,
    configs.length === 0 ? h('p', { class: 'muted', text: 'No configurations yet.' })
      : h('table', { 'aria-label': 'Configurations' },
        h('thead', {}, h('tr', {}, ['Name', 'Description', 'Access', 'Rules', 'Id', ''].map((t) => h('th', { text: t })))),
        h('tbody', {}, rows)));
}

function accessSummary(access) {
  if (!access) return 'everything';
  const parts = [];
  if (access.providers) parts.push(`providers: ${(access.providers.allow || []).join(', ') || 'none'}`);
  if (access.models) parts.push(`models: ${(access.models.allow || []).join(', ') || 'none'}`);
  return parts.length ? parts.join('; ') : 'everything';
}

const MANAGED_FIELDS = ['id', 'uri', 'name', 'description', 'metadata', 'access', 'router', 'createdAt', 'updatedAt',
  'createdBy', 'lastUpdatedBy'];

async function configurationEditor(id) {
  const [config, providerKeys, providers] = await Promise.all([
    id ? api('GET', `/access-key-configurations/${encodeURIComponent(id)}`) : Promise.resolve(null),
    listAll('/provider-keys', 'aiGatewayProviderKeys'),
    listAll('/providers', 'aiGatewayProviders').catch(() => []),
  ]);
  const c = config || {};
  // fields this editor does not show (limits, fields added later) are kept and sent back unchanged
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
    if (!id) for (const k of ['description', 'metadata', 'access', 'router']) if (body[k] === null) delete body[k];
    return body;
  };
  const showPreview = h('button', { type: 'button', text: 'Show JSON' });
  showPreview.addEventListener('click', () => { preview.textContent = JSON.stringify(collect(), null, 2); });

  const title = id ? `Configuration ${c.name || id}` : 'New configuration';
  const form = h('form', { 'aria-label': title, novalidate: true },
    datalist,
    section(title,
      field('Name', name), field('Description', description), field('Metadata', metadata),
      h('p', { class: 'muted mono', text: id ? `Id ${id}` : '' })),
    accessSection, routingSection,
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
  return {
    by: r.model !== undefined && r.model !== null ? 'model' : 'provider',
    match: r.model || r.provider || '',
    steps: (r.steps || []).map((s) => ({
      type: s.type || 'user',
      keySelectionStrategy: s.keySelectionStrategy || 'ordered',
      keys: (s.keys || []).map((k) => ({ ...k })),
    })),
  };
}

function ruleJson(r) {
  const out = {};
  out[r.by] = r.match.trim();
  out.steps = r.steps.map((s) => {
    if (s.type !== 'user') return { type: s.type };
    const step = { type: 'user', keySelectionStrategy: s.keySelectionStrategy };
    step.keys = s.keys.map((k) => {
      if (k.id) return k.weight && s.keySelectionStrategy === 'weighted' ? { id: k.id, weight: Number(k.weight) } : { id: k.id };
      const inline = { name: k.name || '' };
      if (k.value) inline.value = k.value;
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
    h('option', { value: 'model', text: 'model', selected: rule.by === 'model' }));
  const match = h('input', { type: 'text', value: rule.match, 'data-role': 'match', 'data-path': `${path}.${rule.by}`,
    list: rule.by === 'provider' ? listId : null });
  by.addEventListener('change', () => { rule.by = by.value; redraw(); });
  match.addEventListener('input', () => { rule.match = match.value; });
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
      h('div', {}, field(rule.by === 'provider' ? 'Provider' : 'Model', match))),
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
    box.append(h('div', { class: 'hint', text: 'Provider keys, tried in this order:' }), keysHolder, add, addInline);
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
    const value = h('input', { type: 'password', value: '', autocomplete: 'off', 'data-path': `${path}.value`,
      placeholder: key.keyRedacted ? `stored (${key.keyRedacted}); enter again to save` : '' });
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
  const providerId = h('input', { type: 'text', 'data-path': 'providerId' });
  const name = h('input', { type: 'text', 'data-path': 'name' });
  const baseUrl = h('input', { type: 'text', 'data-path': 'baseUrl', placeholder: 'https://llm.example.com/v1' });
  const models = h('textarea', { 'data-path': 'models' });
  const authHeader = h('input', { type: 'text', 'data-path': 'authHeader', placeholder: 'Authorization' });
  const authValuePrefix = h('input', { type: 'text', 'data-path': 'authValuePrefix', placeholder: 'Bearer ' });
  const surfaceBoxes = SURFACES.map(([format, surface]) => {
    const box = h('input', { type: 'checkbox', checked: surface === 'chat-completions' });
    return { format, surface, box, label: h('label', { class: 'inline' }, box, `${format} ${surface}`) };
  });
  const surfacesGroup = h('fieldset', { 'data-path': 'supportedApiSurfaces' }, h('legend', { text: 'API surfaces' }),
    surfaceBoxes.map((s) => s.label));
  const error = formError();
  const form = h('form', { 'aria-label': 'New provider' },
    h('h3', { text: 'New custom provider' }),
    h('div', { class: 'row' }, h('div', {}, field('Provider id', providerId)), h('div', {}, field('Name', name)),
      h('div', {}, field('Base URL', baseUrl))),
    surfacesGroup,
    field('Models', models, 'One model id per line'),
    h('div', { class: 'row' }, h('div', {}, field('Auth header', authHeader)),
      h('div', {}, field('Auth value prefix', authValuePrefix))),
    h('button', { type: 'submit', class: 'primary', text: 'Create provider' }), error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    error.textContent = '';
    const body = {
      providerId: providerId.value.trim(),
      baseUrl: baseUrl.value.trim(),
      supportedApiSurfaces: surfaceBoxes.filter((s) => s.box.checked).map((s) => ({ format: s.format, surface: s.surface })),
      models: lines(models.value).map((m) => ({ modelId: m })),
    };
    if (name.value.trim()) body.name = name.value.trim();
    if (authHeader.value.trim()) body.authHeader = authHeader.value.trim();
    if (authValuePrefix.value) body.authValuePrefix = authValuePrefix.value;
    try {
      await api('POST', '/providers', body);
      await render();
      setStatus(`Created provider ${body.providerId}.`);
    } catch (e) {
      showApiError(form, error, e);
    }
  });
  const rows = providers.map((p) => h('tr', {},
    h('td', { class: 'mono', text: p.providerId }),
    h('td', { text: p.name || '' }),
    h('td', { class: 'mono', text: p.baseUrl }),
    h('td', { text: (p.supportedApiSurfaces || []).map((s) => `${s.format} ${s.surface}`).join(', ') }),
    h('td', { text: (p.models || []).map((m) => m.modelId || m.id).join(', ') }),
    h('td', {}, deleteButton(`provider ${p.providerId}`, () => api('DELETE', `/providers/${encodeURIComponent(p.providerId)}`)))));
  return section('Providers',
    h('p', { class: 'hint', text: 'Custom providers: any OpenAI- or Anthropic-compatible endpoint. Built-in providers need no entry here.' }),
    form,
    providers.length === 0 ? h('p', { class: 'muted', text: 'No custom providers.' })
      : h('table', { 'aria-label': 'Custom providers' },
        h('thead', {}, h('tr', {}, ['Provider id', 'Name', 'Base URL', 'Surfaces', 'Models', ''].map((t) => h('th', { text: t })))),
        h('tbody', {}, rows)));
}

// ---------------------------------------------------------------------------------------------- Virtual models

async function virtualModelsPage() {
  const models = await listAll('/virtual-models', 'aiGatewayVirtualModels');
  const name = h('input', { type: 'text', 'data-path': 'name' });
  const description = h('input', { type: 'text', 'data-path': 'description' });
  const targets = h('textarea', { 'data-path': 'targets' });
  const error = formError();
  const form = h('form', { 'aria-label': 'New virtual model' },
    h('h3', { text: 'New virtual model' }),
    h('div', { class: 'row' }, h('div', {}, field('Name', name)), h('div', {}, field('Description', description))),
    field('Targets', targets, 'One model per line, tried in order (1 to 10), e.g. openai/gpt-4o'),
    h('button', { type: 'submit', class: 'primary', text: 'Create virtual model' }), error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    error.textContent = '';
    const body = { name: name.value.trim(), targets: lines(targets.value).map((m) => ({ model: m })) };
    if (description.value.trim()) body.description = description.value.trim();
    try {
      await api('POST', '/virtual-models', body);
      await render();
      setStatus(`Created virtual model ${body.name}.`);
    } catch (e) {
      showApiError(form, error, e);
    }
  });
  const rows = models.map((m) => h('tr', {},
    h('td', { class: 'mono', text: m.name }),
    h('td', { text: m.description || '' }),
    h('td', { text: (m.targets || []).map((t) => t.model).join(' → ') }),
    h('td', {}, deleteButton(`virtual model ${m.name}`, () => api('DELETE', `/virtual-models/${encodeURIComponent(m.id)}`)))));
  return section('Virtual models',
    h('p', { class: 'hint', text: 'A name that stands for an ordered list of models; a request for it tries each in turn.' }),
    form,
    models.length === 0 ? h('p', { class: 'muted', text: 'No virtual models.' })
      : h('table', { 'aria-label': 'Virtual models' },
        h('thead', {}, h('tr', {}, ['Name', 'Description', 'Targets', ''].map((t) => h('th', { text: t })))),
        h('tbody', {}, rows)));
}

// ---------------------------------------------------------------------------------------------- Usage

async function usagePage(args) {
  const requestId = h('input', { type: 'text', value: args[0] || '', placeholder: 'rq_...' });
  const result = h('div', {});
  const error = formError();
  const form = h('form', { 'aria-label': 'Find a request' },
    field('Request id', requestId, 'From the AIG-Request-Id header of a gateway response'),
    h('button', { type: 'submit', class: 'primary', text: 'Show attempts' }), error);
  const lookup = async () => {
    error.textContent = '';
    result.replaceChildren();
    const id = requestId.value.trim();
    if (!id) return;
    try {
      result.replaceChildren(requestView(await api('GET', `/usage/requests/${encodeURIComponent(id)}`)));
    } catch (e) {
      if (e.status !== 401) error.textContent = e.message;
    }
  };
  form.addEventListener('submit', (event) => { event.preventDefault(); lookup(); });
  const charts = h('div', {});
  const page = section('Usage', h('h3', { text: 'One request and its attempts' }), form, result,
    h('h3', { text: 'Requests, errors and cost per day' }), charts);
  overview(charts, 'provider');
  if (args[0]) lookup();
  return page;
}

function requestView(r) {
  const rows = (r.attempts || []).map((a) => {
    const ev = a.event || {};
    return h('tr', {},
      h('td', { text: String(ev.attemptNumber) }),
      h('td', { text: ev.provider || '' }),
      h('td', { text: ev.model || '' }),
      h('td', { class: 'mono', text: ev.providerKeyId || ev.keySource || '' }),
      h('td', { text: ev.statusCode ? String(ev.statusCode) : (ev.timedOut ? 'timed out' : 'no response') }),
      h('td', { text: a.retryAction || '' }),
      h('td', { text: a.served ? 'served' : (a.error || a.completion || '') }),
      h('td', { text: `${a.upstreamDurationMs} ms` }));
  });
  return h('div', {},
    h('p', {}, `Request `, h('code', { text: r.requestId }), ` at ${fmtTime(r.startedAt)} answered ${r.statusCode}`,
      r.errorCode ? ` (${r.errorCode})` : '', ` after ${(r.attempts || []).length} attempt(s).`),
    h('table', { 'aria-label': 'Attempts' },
      h('thead', {}, h('tr', {}, ['#', 'Provider', 'Model', 'Key', 'Status', 'Verdict', 'Outcome', 'Duration'].map((t) => h('th', { text: t })))),
      h('tbody', {}, rows)));
}

async function overview(holder, groupBy) {
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
  const buckets = Array.isArray(data) ? data : (Object.values(data || {}).find((v) => Array.isArray(v)) || []);
  const select = h('select', {}, ['provider', 'accessKey'].map((g) => h('option', { value: g, text: g === 'provider' ? 'provider' : 'access key', selected: g === groupBy })));
  select.addEventListener('change', () => overview(holder, select.value));
  const content = [h('div', { class: 'row' }, h('div', {}, field('Group by', select)))];
  if (buckets.length === 0) content.push(h('p', { class: 'muted', text: 'No usage recorded yet.' }));
  else {
    content.push(chart('Requests per day', buckets, 'requests'));
    content.push(chart('Errors per day', buckets, 'errors'));
    content.push(chart('Cost per day', buckets, 'cost'));
  }
  holder.replaceChildren(...content);
}

const COLORS = ['#2457c5', '#e07b00', '#067647', '#b42318', '#7a3fc5', '#0b8a9a', '#8a6d00', '#c03c8a'];

/** A stacked bar chart in plain SVG: one bar per day, one colour per group. */
function chart(title, buckets, measure) {
  const NS = 'http://www.w3.org/2000/svg';
  const days = [...new Set(buckets.map((b) => String(b.bucketStart).substring(0, 10)))].sort();
  const groups = [...new Set(buckets.map((b) => String(b.groupKey)))];
  const totals = days.map((d) => buckets.filter((b) => String(b.bucketStart).startsWith(d))
    .reduce((s, b) => s + (Number(b[measure]) || 0), 0));
  const max = Math.max(1, ...totals);
  const width = 640;
  const height = 200;
  const pad = 30;
  const bw = Math.min(48, Math.max(4, (width - pad * 2) / Math.max(1, days.length) - 6));
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height + 30}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${title}: ${days.map((d, i) => `${d} ${fmtNumber(totals[i], measure)}`).join(', ')}`);
  const text = (x, y, s, anchor) => {
    const t = document.createElementNS(NS, 'text');
    t.setAttribute('x', String(x));
    t.setAttribute('y', String(y));
    t.setAttribute('font-size', '10');
    t.setAttribute('text-anchor', anchor || 'middle');
    t.textContent = s;
    svg.append(t);
  };
  text(pad - 4, 12, fmtNumber(max, measure), 'end');
  days.forEach((d, i) => {
    let y = height;
    const x = pad + i * ((width - pad * 2) / days.length) + 3;
    groups.forEach((g, gi) => {
      const v = buckets.filter((b) => String(b.bucketStart).startsWith(d) && String(b.groupKey) === g)
        .reduce((s, b) => s + (Number(b[measure]) || 0), 0);
      if (v <= 0) return;
      const bh = (v / max) * (height - 20);
      y -= bh;
      const rect = document.createElementNS(NS, 'rect');
      rect.setAttribute('x', String(x));
      rect.setAttribute('y', String(y));
      rect.setAttribute('width', String(bw));
      rect.setAttribute('height', String(bh));
      rect.setAttribute('fill', COLORS[gi % COLORS.length]);
      const tip = document.createElementNS(NS, 'title');
      tip.textContent = `${d} ${g}: ${fmtNumber(v, measure)}`;
      rect.append(tip);
      svg.append(rect);
    });
    text(x + bw / 2, height + 14, d.substring(5));
  });
  const legend = h('div', { class: 'legend' }, groups.map((g, gi) => {
    const sw = h('span', { class: 'swatch' });
    sw.style.background = COLORS[gi % COLORS.length];
    return h('span', {}, sw, g);
  }));
  return h('figure', { class: 'chart' }, h('figcaption', { text: title }), svg, legend);
}

function fmtNumber(v, measure) {
  return measure === 'cost' ? Number(v).toFixed(2) : String(Math.round(v));
}

// ---------------------------------------------------------------------------------------------- start

document.getElementById('sign-in-form').addEventListener('submit', signIn);
document.getElementById('sign-out').addEventListener('click', () => signOut('Signed out.'));
window.addEventListener('hashchange', () => {
  setStatus('');
  render();
});
render();
