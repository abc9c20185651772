// The live dashboard: devices with their state, a device's tags with live values, a trend per
// tag from the history plus live points, writes to writable tags, actors and recent commands.
// Live values come as Server-Sent Events from /api/stream; everything else from the REST API.

const PAGE = 50;
const TREND_MINUTES = 15;
const $ = (sel) => document.querySelector(sel);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

const state = {
  devices: [], // [{id, kind, state, reason, tags}]
  states: new Map(), // id → [state, reason], from the stream
  page: 0,
  selected: undefined,
  tags: [],
  trend: undefined, // {path, name, data: [ts[], value[]], plot}
  events: undefined,
};

/** The token typed in the header, kept for this browser tab only. */
const tokenInput = $("#token");
tokenInput.value = sessionStorage.getItem("tagflow-token") ?? "";
tokenInput.addEventListener(
  "change",
  () => sessionStorage.setItem("tagflow-token", tokenInput.value),
);

async function getJson(path) {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
}

function age(ts) {
  if (!ts) return "–";
  const s = Math.max(0, (Date.now() - Date.parse(ts)) / 1000);
  return s < 60
    ? `${s.toFixed(0)} s`
    : s < 3600
    ? `${(s / 60).toFixed(0)} min`
    : `${(s / 3600).toFixed(1)} h`;
}

const shown = (v) =>
  v === null || v === undefined ? "–" : typeof v === "number" ? `${+v.toFixed(3)}` : String(v);

// ---- devices ----

function filteredDevices() {
  const q = $("#search").value.trim().toLowerCase();
  return q
    ? state.devices.filter((d) => d.id.toLowerCase().includes(q) || d.kind.includes(q))
    : state.devices;
}

function renderDevices() {
  const list = filteredDevices();
  const pages = Math.max(1, Math.ceil(list.length / PAGE));
  state.page = Math.min(state.page, pages - 1);
  $("#page").textContent = `${state.page + 1} / ${pages} (${list.length})`;
  $("#devices").replaceChildren(
    ...list.slice(state.page * PAGE, (state.page + 1) * PAGE).map((d) => {
      const [st, reason] = state.states.get(d.id) ?? [d.state, d.reason ?? ""];
      const li = el(
        "li",
        { className: `state-${st}`, title: `${d.kind}: ${st}` },
        el("strong", {}, d.id),
        ` ${d.kind}`,
      );
      li.dataset.id = d.id;
      li.dataset.state = st;
      if (reason) li.append(el("span", { className: "reason" }, reason));
      if (d.id === state.selected) li.classList.add("selected");
      li.addEventListener("click", () => select(d.id));
      return li;
    }),
  );
  const sel = state.states.get(state.selected);
  $("#device-reason").textContent = sel && sel[1] ? `${sel[0]}: ${sel[1]}` : "";
}

$("#search").addEventListener("input", () => (state.page = 0, renderDevices()));
$("#prev").addEventListener(
  "click",
  () => (state.page = Math.max(0, state.page - 1), renderDevices()),
);
$("#next").addEventListener("click", () => (state.page++, renderDevices()));

// ---- a device's tags ----

function select(id) {
  state.selected = id;
  location.hash = encodeURIComponent(id);
  $("#device-title").textContent = id;
  state.tags = [];
  renderTags();
  renderDevices();
  listen();
}

/**
 * The selected device's tags, a row each. A row made once is updated in place on every live
 * update: a click landing while values change, or a setpoint half typed, is not lost with it.
 */
function renderTags() {
  const body = $("#tags tbody");
  const old = new Map([...body.children].map((row) => [row.dataset.path, row]));
  const rows = state.tags.map((t) => {
    const row = old.get(t.path) ?? tagRow(t);
    fillRow(row, t);
    return row;
  });
  const kept = rows.length === body.children.length &&
    rows.every((row, i) => body.children[i] === row);
  if (!kept) body.replaceChildren(...rows);
}

/** A tag's row: its cells, and its write control if it is writable. */
function tagRow(t) {
  const row = el(
    "tr",
    {},
    el("td", {}, t.name),
    el("td", { className: "value" }),
    el("td", {}, t.unit ?? ""),
    el("td"),
    el("td", { className: "age" }),
    el("td", { className: "write" }, ...(t.writable ? writeControl(t) : [])),
  );
  row.dataset.tag = t.name;
  row.dataset.path = t.path;
  row.addEventListener("click", (ev) => {
    const tag = state.tags.find((x) => x.path === row.dataset.path);
    if (tag && !ev.target.closest(".write")) showTrend(tag);
  });
  return row;
}

/** Writes a tag's latest value, quality and age into its row. */
function fillRow(row, t) {
  const [, value, , quality, when] = row.cells;
  value.textContent = shown(t.value);
  quality.className = `quality q-${t.quality ?? "none"}`;
  quality.title = t.reason ?? "";
  quality.textContent = `${t.quality ?? "–"}${t.reason ? ` (${t.reason})` : ""}`;
  when.textContent = age(t.ts);
  row.classList.toggle("trended", state.trend?.path === t.path);
}

/** The input and button of a writable tag; the answer shows below them. */
function writeControl(tag) {
  const input = tag.type === "bool"
    ? el("input", { type: "checkbox", checked: tag.value === true })
    : el("input", { type: "text", value: tag.value ?? "" });
  const result = el("span", { className: "write-result" });
  const button = el("button", { type: "button", className: "write-button" }, "Write");
  button.addEventListener("click", async () => {
    const raw = tag.type === "bool" ? input.checked : input.value;
    const value =
      tag.type === "bool" || tag.type === "string" || raw === "" || Number.isNaN(Number(raw))
        ? raw
        : Number(raw);
    result.textContent = "…";
    result.className = "write-result";
    const res = await fetch(
      `/api/devices/${encodeURIComponent(state.selected)}/tags/${
        encodeURIComponent(tag.name)
      }/write`,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${tokenInput.value}`,
        },
        body: JSON.stringify({ value }),
      },
    );
    const body = await res.json();
    if (res.ok) {
      result.textContent = `written ${shown(body.written)}, read back ${shown(body.readback)}`;
    } else {
      result.className = "write-result refused";
      result.textContent = `${res.status} ${body.error.code}: ${body.error.message}`;
    }
    loadAudit();
  });
  // Live updates redraw the table: keep what the operator typed, and the last answer.
  const key = `${state.selected}/${tag.name}`;
  const kept = writeControl.kept?.get(key);
  if (kept) {
    if (tag.type === "bool") input.checked = kept.checked;
    else input.value = kept.value;
    result.textContent = kept.result;
    result.className = kept.resultClass;
  }
  const keep = () =>
    (writeControl.kept ??= new Map()).set(key, {
      checked: input.checked,
      value: input.value,
      result: result.textContent,
      resultClass: result.className,
    });
  for (const node of [input, button]) node.addEventListener("change", keep);
  new MutationObserver(keep).observe(result, {
    childList: true,
    characterData: true,
    subtree: true,
    attributes: true,
  });
  return [input, button, result];
}

// ---- the trend ----

async function showTrend(tag) {
  const to = Date.now(), from = to - TREND_MINUTES * 60_000;
  const series = await getJson(
    `/api/history?path=${encodeURIComponent(tag.path)}&from=${from}&to=${to}&points=600`,
  );
  const [ts, values] = withGaps(
    series.ts.map((t) => t / 1000),
    series.value.map((v) => typeof v === "number" ? v : v === true ? 1 : v === false ? 0 : null),
  );
  state.trend?.plot.destroy();
  $("#trend-box").hidden = false;
  $("#trend-title").textContent = `${tag.name}${
    tag.unit ? ` (${tag.unit})` : ""
  }: last ${TREND_MINUTES} min`;
  const box = $("#trend");
  const plot = new uPlot(
    {
      width: Math.max(300, box.clientWidth || 600),
      height: 220,
      series: [{}, { label: tag.name, stroke: "#1565c0", width: 1.5, spanGaps: false }],
      axes: [{}, {}],
    },
    [ts, values],
    box,
  );
  state.trend = { path: tag.path, name: tag.name, data: [ts, values], plot };
  box.dataset.points = String(ts.length);
  renderTags();
}

/** Breaks the line where samples are far apart (the gateway was down): a null between them. */
function withGaps(ts, values) {
  const steps = ts.slice(1).map((t, i) => t - ts[i]).sort((a, b) => a - b);
  const usual = steps[Math.floor(steps.length / 2)];
  if (!usual) return [ts, values];
  const outTs = [], outValues = [];
  ts.forEach((t, i) => {
    if (i > 0 && t - ts[i - 1] > 5 * usual) {
      outTs.push(ts[i - 1] + usual);
      outValues.push(null);
    }
    outTs.push(t);
    outValues.push(values[i]);
  });
  return [outTs, outValues];
}

/** A live value of the trended tag joins the chart (once per new time). */
function extendTrend(tags) {
  const t = state.trend;
  const tag = t && tags.find((x) => x.path === t.path);
  if (!tag || !tag.ts) return;
  const at = Date.parse(tag.ts) / 1000;
  const [ts, values] = t.data;
  if (ts.length > 0 && at <= ts[ts.length - 1]) return;
  ts.push(at);
  values.push(
    typeof tag.value === "number"
      ? tag.value
      : tag.value === true
      ? 1
      : tag.value === false
      ? 0
      : null,
  );
  t.plot.setData([ts, values]);
  $("#trend").dataset.points = String(ts.length);
}

// ---- live updates ----

function listen() {
  state.events?.close();
  const url = state.selected
    ? `/api/stream?device=${encodeURIComponent(state.selected)}`
    : "/api/stream";
  const events = new EventSource(url);
  state.events = events;
  events.addEventListener("actors", (ev) => {
    for (const [id, st, reason] of JSON.parse(ev.data)) state.states.set(id, [st, reason]);
    renderDevices();
  });
  events.addEventListener("tags", (ev) => {
    const { device, tags } = JSON.parse(ev.data);
    if (device !== state.selected) return;
    state.tags = tags;
    renderTags();
    extendTrend(tags);
  });
}

// ---- actors, commands, readiness ----

const MATTERS = [
  "polls",
  "overruns",
  "samples_out",
  "samples_in",
  "buffer_bytes",
  "dropped",
  "queue_depth",
  "reconnects",
  "errors",
];

async function loadActors() {
  const actors = await getJson("/api/actors");
  showReady(actors);
  $("#actors tbody").replaceChildren(...actors.map((a) => {
    const counters = MATTERS.filter((k) => a.counters[k]).map((k) => `${k} ${a.counters[k]}`).join(
      ", ",
    );
    const row = el(
      "tr",
      { className: `state-${a.state}` },
      el("td", {}, a.id),
      el("td", { title: a.reason ?? "" }, a.state),
      el("td", {}, counters),
    );
    row.dataset.id = a.id;
    return row;
  }));
}

async function loadAudit() {
  const entries = await getJson("/api/audit?limit=15");
  $("#audit").replaceChildren(
    ...entries.reverse().map((e) =>
      el(
        "li",
        {},
        `${e.ts.slice(11, 19)} ${e.channel} ${e.caller}: ${e.action} ${e.device ?? e.actor ?? ""}${
          e.tag ? `.${e.tag}` : ""
        } ${e.value !== undefined ? `= ${JSON.stringify(e.value)} ` : ""}→ ${e.outcome}${
          e.code ? ` (${e.code})` : ""
        }`,
      )
    ),
  );
}

/** Ready when every actor runs (as /ready says, read from the actors: no failed request logged). */
function showReady(actors) {
  const down = actors.filter((a) => a.state !== "running").map((a) => a.id);
  const badge = $("#ready");
  badge.textContent = down.length === 0 ? "ready" : `not ready: ${down.join(", ")}`;
  badge.className = `badge ${down.length === 0 ? "ok" : "not-ok"}`;
}

function every(ms, task) {
  const run = () => task().catch((err) => console.warn(err.message));
  run();
  setInterval(run, ms);
}

async function start() {
  state.devices = await getJson("/api/devices");
  const wanted = decodeURIComponent(location.hash.slice(1));
  const first = state.devices.find((d) => d.id === wanted) ?? state.devices[0];
  if (first) select(first.id);
  else listen();
  every(5000, loadActors);
  every(5000, loadAudit);
  setInterval(() => {
    for (const cell of document.querySelectorAll("#tags .age")) {
      const tag = state.tags.find((t) => t.name === cell.parentElement.dataset.tag);
      if (tag) cell.textContent = age(tag.ts);
    }
  }, 1000);
}

start();
