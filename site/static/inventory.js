/* Search, filter, sort and page the inventory from assets/inventory-data.js,
   whose format itam.sitegen.datafile describes. Plain JavaScript, no library.
   Rows are drawn with DOM methods and textContent only, so no entity text is
   ever parsed as HTML. The view lives in the URL's hash, to be shared.
   The site build strips comments and spaces (itam.sitegen.compact), which
   reads no regular expression literal: there are none here. */
(() => {
  "use strict";
  const D = window.ITAM_INVENTORY, table = document.getElementById("inventory");
  if (!D || !table) return;
  const $ = (id) => document.getElementById(id), T = D.tables, C = D.columns, n = D.total;
  const size = +table.dataset.pageSize || 100, fmt = (x) => x.toLocaleString("en");
  const FILTERS = ["kind", "status", "location", "owner", "severity"];
  const KEYS = ["q", ...FILTERS, "sort", "dir", "page"], WORDS = ["", "info", "warning", "error"];

  // A string column: a list (maybe packed in one string, led by its separator),
  // a dictionary, or front-coded. With c.owner, an odd index is a template
  // whose U+001A stands for the row's owner's label.
  const list = (x) => (typeof x === "string" ? x.slice(1).split(x[0]) : x);
  const strings = (c) => {
    let prev = "";
    const tails = c.front && list(c.front[1]);
    if (c.front) return c.front[0].map((k, i) => (prev = prev.slice(0, k) + tails[i]));
    if (!c.dict) return list(c);
    const d = list(c.dict), o = c.owner ? 1 : 0;
    return c.index.map((i, r) => (i & o ? d[i >> 1].replace("\u001a", () => T.owner[C.owner[r] - 1][1]) : d[i >> o]));
  };
  // Lowercase without changing a length ("İ" would become two units), so that
  // a row's offsets hold in both copies of its text.
  const lower = (s) => {
    const l = s.toLowerCase();
    return l.length === s.length ? l : [...s].map((c) => (c.toLowerCase().length === c.length ? c.toLowerCase() : c)).join("");
  };

  // Each row's id, serial, asset tag and name live in one string per chunk of
  // rows, beside the lowercase copy that search scans: far less memory than
  // 400,000 strings.
  const CHUNK = 1024, texts = [], lows = [], offs = new Int32Array(n), nopage = new Uint8Array(n);
  C.nopage.forEach((r) => { nopage[r] = 1; });
  {
    const cols = [C.id, C.serial, C.asset_tag, C.name].map(strings);
    for (let first = 0; first < n; first += CHUNK) {
      const parts = [];
      for (let r = first, at = 0; r < Math.min(first + CHUNK, n); r++) {
        parts.push(cols.map((col) => col[r]).join("\u0001") + "\n");
        offs[r] = at;
        at += parts[parts.length - 1].length;
      }
      texts.push(parts.join(""));
      lows.push(lower(texts[texts.length - 1]));
    }
    ["id", "serial", "asset_tag", "name"].forEach((k) => { delete C[k]; });
  }
  const fields = (r, from = texts) => {
    const chunk = from[(r / CHUNK) | 0], end = (r + 1) % CHUNK && r + 1 < n ? offs[r + 1] : chunk.length;
    return chunk.slice(offs[r], end - 1).split("\u0001");
  };

  // Rows whose id, serial, tag, name, owner or model holds q.
  const search = (q) => {
    const hit = new Uint8Array(n), holds = (t) => t.map((e) => lower(e[0] + "\u0001" + e[1]).includes(q));
    const owners = holds(T.owner), models = holds(T.model);
    lows.forEach((low, c) => {
      const last = Math.min(c * CHUNK + CHUNK, n) - 1;
      for (let r = c * CHUNK, pos = low.indexOf(q); pos !== -1;) {
        while (r < last && offs[r + 1] <= pos) r++;
        hit[r] = 1;
        pos = r < last ? low.indexOf(q, offs[r + 1]) : -1;
      }
    });
    for (let r = 0; r < n; r++) if (owners[C.owner[r] - 1] || models[C.model[r] - 1]) hit[r] = 1;
    return hit;
  };
  const find = (t, value) => t.findIndex((e) => e[0] === value) + 1 || -1;
  // Every location inside loc (loc included), by table index.
  const within = (loc) => T.location.map((_, i) => {
    for (let j = i + 1, hops = 0; j && hops < 64; j = T.location[j - 1][3], hops++) if (j === loc) return 1;
    return 0;
  });

  // Sort orders, computed on first use per column and direction: empty values
  // last either way, ties in ID order. Tables come in the order of their
  // labels, so a table column sorts by its indexes.
  const orders = {};
  const all = () => Uint32Array.from({ length: n }, (_, i) => i);
  const byKey = (key) => (sign) => {
    const k = Float64Array.from({ length: n }, (_, r) => sign * key(r) || Infinity);
    return all().sort((a, b) => k[a] - k[b] || a - b);
  };
  const byIndex = (name) => byKey((r) => C[name][r]);
  const byText = (field) => (sign) => {
    const low = Array.from({ length: n }, (_, r) => fields(r, lows)[field]);
    return all().sort((a, b) => {
      const x = low[a], y = low[b];
      return x === y ? a - b : !x || !y ? (x ? -1 : 1) : (x < y ? -sign : sign);
    });
  };
  const SORTS = {
    id: (sign) => (sign < 0 ? all().reverse() : all()),
    name: byText(3),
    serial: byText(1),
    asset_tag: byText(2),
    kind: byIndex("kind"),
    status: byIndex("status"),
    owner: byIndex("owner"),
    location: byIndex("location"),
    warranty: byKey((r) => C.warranty.days[r]),
    audit: byKey((r) => C.audit.days[r]),
    findings: byKey((r) => (C.findings[r] & 3) * 1e7 + (C.findings[r] >> 2)),
  };

  // The view, read from the hash (or from a query, as a link from another page
  // carries it: ?status=deployed) and written back to the hash.
  const state = {}, DEFAULTS = { sort: "id", dir: "asc", page: 1 };
  const readHash = (text) => {
    const p = new URLSearchParams(text);
    KEYS.forEach((k) => { state[k] = p.get(k) || ""; });
    state.page = Math.max(1, parseInt(state.page, 10) || 1);
    if (!SORTS[state.sort]) state.sort = "id";
    state.dir = state.dir === "desc" ? "desc" : "asc";
  };
  const writeHash = () => {
    const p = new URLSearchParams();
    KEYS.forEach((k) => { if (state[k] && state[k] !== DEFAULTS[k]) p.set(k, state[k]); });
    const hash = p.toString() && "#" + p;
    try { history.replaceState(null, "", location.pathname + hash); } catch (e) { location.replace(hash || "#"); }
  };

  let matches = new Uint32Array(0);
  const compute = () => {
    const q = lower(state.q.trim()), hit = q && search(q), sev = state.severity, rank = WORDS.indexOf(sev);
    const kind = state.kind && find(T.kind, state.kind), owner = state.owner && find(T.owner, state.owner);
    const status = state.status && [0, ...T.status.map((e) => e[0] === state.status)];
    const loc = state.location && [0, ...within(find(T.location, state.location))];
    const which = state.sort + " " + state.dir;
    const order = orders[which] || (orders[which] = SORTS[state.sort](state.dir === "desc" ? -1 : 1));
    const out = new Uint32Array(n);
    let count = 0;
    for (let k = 0; k < n; k++) {
      const r = order[k], s = C.findings[r] & 3;
      if ((hit && !hit[r]) || (kind && C.kind[r] !== kind) || (status && !status[C.status[r]])) continue;
      if ((loc && !loc[C.location[r]]) || (owner && C.owner[r] !== owner)) continue;
      if (sev && (rank > 0 ? s !== rank : (sev === "none") === (s !== 0))) continue;
      out[count++] = r;
    }
    matches = out.subarray(0, count);
  };

  // The same markup as the rows the page came with (itam.sitegen.inventory.row_html).
  const el = (tag, cls, content) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content && content.nodeType) e.append(content); else e.textContent = content || "";
    return e;
  };
  const link = (label, id, page) => {
    if (!page) return id ? label : el("span", "unlinked", label);
    const a = el("a", "", label);
    a.href = "../entities/" + encodeURIComponent(id) + ".html";
    return a;
  };
  const ref = (t, i) => t[i - 1] ? link(t[i - 1][1], t[i - 1][0], t[i - 1][2]) : "";
  const day = (col, r, live) => {
    const d = col.days[r], v = col.base + d;
    return el("td", d && live && v < D.asOf ? "date past" : "date", d ? new Date(v * 864e5).toISOString().slice(0, 10) : "");
  };
  const row = (r) => {
    const tr = document.createElement("tr"), [id, serial, tag, name] = fields(r);
    const st = T.status[C.status[r] - 1], f = C.findings[r], live = st && st[1] && st[1] !== "archived";
    const word = WORDS[f & 3], count = f >> 2;
    tr.dataset.id = id;
    tr.append(
      el("td", "", id ? link(id, id, !nopage[r]) : link("(no id)")),
      el("td", "", name),
      el("td", "", C.kind[r] ? T.kind[C.kind[r] - 1][1] : ""),
      el("td", "", st ? el("span", "badge tone-state-" + (st[1] || "unknown"), st[0]) : ""),
      el("td", "", ref(T.owner, C.owner[r])),
      el("td", "", ref(T.location, C.location[r])),
      el("td", "mono", serial),
      el("td", "mono", tag),
      day(C.warranty, r, live),
      day(C.audit, r, live),
      el("td", "", word ? el("span", "badge tone-" + word, count + " " + word + (count === 1 ? "" : "s")) : ""),
    );
    return tr;
  };

  const render = () => {
    const pages = Math.max(1, Math.ceil(matches.length / size));
    state.page = Math.min(state.page, pages);
    const first = (state.page - 1) * size, last = Math.min(first + size, matches.length);
    const body = document.createElement("tbody");
    for (let k = first; k < last; k++) body.append(row(matches[k]));
    table.replaceChild(body, table.tBodies[0]);
    $("result-count").textContent = fmt(matches.length) + " of " + fmt(n) + (n === 1 ? " entity" : " entities");
    $("page-range").textContent = matches.length ? "Rows " + fmt(first + 1) + "–" + fmt(last) : "";
    $("no-results").hidden = matches.length > 0;
    $("pager").hidden = pages < 2;
    $("page-status").textContent = "Page " + fmt(state.page) + " of " + fmt(pages);
    $("page-prev").disabled = state.page <= 1;
    $("page-next").disabled = state.page >= pages;
    table.querySelectorAll("button[data-sort]").forEach((b) => {
      if (b.dataset.sort !== state.sort) b.parentNode.removeAttribute("aria-sort");
      else b.parentNode.setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
    });
  };
  const controls = () => {
    $("search").value = state.q;
    FILTERS.forEach((k) => {
      const select = $("filter-" + k);
      select.value = state[k];
      if (select.value !== state[k]) select.value = state[k] = "";  // not an option here
    });
  };
  let pending = 0;
  const update = (firstPage) => {
    if (firstPage) state.page = 1;
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => { compute(); render(); writeHash(); });
  };
  const on = (target, event, handler) => target.addEventListener(event, handler);

  on($("search"), "input", (e) => { state.q = e.target.value; update(true); });
  FILTERS.forEach((k) => on($("filter-" + k), "change", (e) => { state[k] = e.target.value; update(true); }));
  on($("reset"), "click", () => { readHash(""); controls(); update(true); });
  table.querySelectorAll("button[data-sort]").forEach((b) => on(b, "click", () => {
    state.dir = state.sort === b.dataset.sort && state.dir === "asc" ? "desc" : "asc";
    state.sort = b.dataset.sort;
    update(true);
  }));
  on($("page-prev"), "click", () => { state.page -= 1; update(false); });
  on($("page-next"), "click", () => { state.page += 1; update(false); });
  on(window, "hashchange", () => { readHash(location.hash.slice(1)); controls(); compute(); render(); });

  // A long list of owners comes with the data rather than in the page, so
  // that the rows above the fold are not held back: drawn here, in the order
  // the page would have had (by label, then id), before the view is restored.
  const owners = $("filter-owner");
  if (owners.dataset.options === "data") {
    const by = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
    const all = document.createDocumentFragment();
    T.owner.slice().sort((a, b) => by(a[1], b[1]) || by(a[0], b[0]))
      .forEach(([id, label]) => all.append(new Option(label, id)));
    owners.append(all);
  }
  readHash(location.hash.slice(1) || location.search.slice(1));
  controls();
  compute();
  render();
  table.setAttribute("data-ready", "");  // for scripts and tests: the view is live
})();
