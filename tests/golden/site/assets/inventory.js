/* Search, filter, sort and page the inventory from assets/inventory-data.js.
   Plain JavaScript, no library. Rows are drawn with DOM methods and
   textContent only, so no entity text is ever parsed as HTML. The view
   (search, filters, sort, page) lives in the URL's hash, to be shared. */
(() => {
  "use strict";
  const D = window.ITAM_INVENTORY, table = document.getElementById("inventory");
  if (!D || !table) return;
  const $ = (id) => document.getElementById(id);
  const T = D.tables, C = D.columns, n = D.total, size = +table.dataset.pageSize || 100;
  const FILTERS = ["kind", "status", "location", "owner", "severity"];
  const KEYS = ["q", ...FILTERS, "sort", "dir", "page"], SEV = { error: 3, warning: 2, info: 1 };
  const fmt = (x) => x.toLocaleString("en");

  const strings = (col) => {  // a column as written by itam.sitegen.inventory
    if (Array.isArray(col)) return col;
    if (col.dict) return col.index.map((i) => col.dict[i]);
    const [p, s] = col.front, out = new Array(p.length);
    let prev = "";
    for (let i = 0; i < p.length; i++) out[i] = prev = prev.slice(0, p[i]) + s[i];
    return out;
  };
  const nopage = new Uint8Array(n);
  C.nopage.forEach((i) => { nopage[i] = 1; });

  // Each row's texts (id, serial, asset tag, name) live in one string per chunk
  // of rows, beside its lowercase copy that search scans: far less memory than
  // 400,000 strings, and a name outside Latin-1 widens one chunk, not all.
  // (Lowercasing may change a length, "İ" becomes two units: each copy has its offsets.)
  const CHUNK = 1024, texts = [], lows = [], offs = new Int32Array(n + 1), lowOffs = new Int32Array(n + 1);
  {
    const cols = [C.id, C.serial, C.asset_tag, C.name].map(strings);
    for (let first = 0; first < n; first += CHUNK) {
      const parts = [], lowParts = [];
      let at = 0, lowAt = 0;
      for (let r = first; r < Math.min(first + CHUNK, n); r++) {
        const row = cols[0][r] + "\u0001" + cols[1][r] + "\u0001" + cols[2][r] + "\u0001" + cols[3][r] + "\n";
        const low = row.toLowerCase();
        offs[r] = at;
        lowOffs[r] = lowAt;
        parts.push(row);
        lowParts.push(low);
        at += row.length;
        lowAt += low.length;
      }
      texts.push(parts.join(""));
      lows.push(lowParts.join(""));
    }
    ["id", "serial", "asset_tag", "name"].forEach((k) => { delete C[k]; });  // now in the chunks
  }
  const fieldsOf = (r, from = texts, at = offs) => {
    const chunk = from[(r / CHUNK) | 0], next = (r + 1) % CHUNK && r + 1 < n ? at[r + 1] : chunk.length;
    return chunk.slice(at[r], next - 1).split("\u0001");
  };
  const column = (k) => Array.from({ length: n }, (_, r) => fieldsOf(r, lows, lowOffs)[k]);

  const hits = (entries, q) => entries.map((e) => (e[0] + "\u0001" + e[1]).toLowerCase().includes(q));
  const search = (q) => {  // rows whose id, serial, tag, name, owner or model holds q
    const hit = new Uint8Array(n), owners = hits(T.owner, q), models = hits(T.model, q);
    lows.forEach((low, c) => {
      const first = c * CHUNK, last = Math.min(first + CHUNK, n) - 1;
      for (let pos = low.indexOf(q); pos !== -1;) {
        let lo = first, hi = last;
        while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (lowOffs[mid] <= pos) lo = mid; else hi = mid - 1; }
        hit[lo] = 1;
        pos = lo < last ? low.indexOf(q, lowOffs[lo + 1]) : -1;
      }
    });
    for (let r = 0; r < n; r++) if (owners[C.owner[r] - 1] || models[C.model[r] - 1]) hit[r] = 1;
    return hit;
  };
  const indexOf = (entries, value) => entries.findIndex((e) => e[0] === value) + 1 || -1;
  const within = (loc) => {  // every location inside loc (loc included), by table index
    const inside = new Uint8Array(T.location.length + 1);
    for (let i = 1; i <= T.location.length; i++) {
      for (let j = i, hops = 0; j && hops < 64; j = T.location[j - 1][3], hops++) if (j === loc) { inside[i] = 1; break; }
    }
    return inside;
  };

  // Sort orders, computed on first use per column and direction: empty values
  // last either way, ties in ID order.
  const orders = {}, collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  const identity = () => Uint32Array.from({ length: n }, (_, i) => i);
  const numeric = (key, sign) => {
    const k = new Float64Array(n);
    for (let i = 0; i < n; i++) { const v = key(i); k[i] = v ? sign * v : Infinity; }
    return identity().sort((a, b) => k[a] - k[b] || a - b);
  };
  const byRank = (col, entries, label, sign) => {
    const rank = new Int32Array(entries.length + 1);
    entries.map((_, i) => i).sort((a, b) => collator.compare(label(entries[a]), label(entries[b])))
      .forEach((e, k) => { rank[e + 1] = k + 1; });
    return numeric((r) => rank[col[r]], sign);
  };
  const text = (k, sign) => {
    const low = column(k);
    return identity().sort((a, b) => {
      const x = low[a], y = low[b];
      if (x === y) return a - b;
      if (!x || !y) return x ? -1 : 1;
      return (x < y ? -1 : 1) * sign;
    });
  };
  const SORTS = {
    id: (sign) => (sign < 0 ? identity().reverse() : identity()),
    name: (sign) => text(3, sign),
    serial: (sign) => text(1, sign),
    asset_tag: (sign) => text(2, sign),
    kind: (sign) => byRank(C.kind, T.kind, (e) => e[1], sign),
    status: (sign) => byRank(C.status, T.status, (e) => e[0], sign),
    owner: (sign) => byRank(C.owner, T.owner, (e) => e[1], sign),
    location: (sign) => byRank(C.location, T.location, (e) => e[1], sign),
    warranty: (sign) => numeric((r) => C.warranty.days[r], sign),
    audit: (sign) => numeric((r) => C.audit.days[r], sign),
    findings: (sign) => numeric((r) => { const f = C.findings[r]; return f ? (f & 3) * 1e7 + (f >> 2) : 0; }, sign),
  };

  // The view, read from the hash (or from a query, as a link from another page
  // carries it: ?status=deployed) and written back to the hash.
  const state = {};
  const normalise = () => {
    state.page = Math.max(1, parseInt(state.page, 10) || 1);
    if (!SORTS[state.sort]) state.sort = "id";
    state.dir = state.dir === "desc" ? "desc" : "asc";
  };
  const readHash = () => {
    const p = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
    KEYS.forEach((k) => { state[k] = p.get(k) || ""; });
    normalise();
  };
  const DEFAULTS = { sort: "id", dir: "asc", page: 1 };
  const writeHash = () => {
    const p = new URLSearchParams();
    KEYS.forEach((k) => { if (state[k] && state[k] !== DEFAULTS[k]) p.set(k, state[k]); });
    const hash = p.toString();
    try { history.replaceState(null, "", location.pathname + (hash ? "#" + hash : "")); } catch (e) { location.replace("#" + hash); }
  };

  let matches = new Uint32Array(0);
  const compute = () => {
    const q = state.q.trim().toLowerCase(), hit = q ? search(q) : null;
    const kind = state.kind ? indexOf(T.kind, state.kind) : 0;
    const statuses = state.status ? Uint8Array.from([0, ...T.status.map((e) => +(e[0] === state.status))]) : null;
    const loc = state.location ? within(indexOf(T.location, state.location)) : null;
    const owner = state.owner ? indexOf(T.owner, state.owner) : 0;
    const sev = state.severity, rank = SEV[sev] || 0, which = state.sort + " " + state.dir;
    const order = orders[which] || (orders[which] = SORTS[state.sort](state.dir === "desc" ? -1 : 1));
    const out = new Uint32Array(n);
    let count = 0;
    for (let k = 0; k < n; k++) {
      const r = order[k];
      if ((hit && !hit[r]) || (kind && C.kind[r] !== kind) || (statuses && !statuses[C.status[r]])) continue;
      if ((loc && !loc[C.location[r]]) || (owner && C.owner[r] !== owner)) continue;
      if (sev) { const s = C.findings[r] & 3; if (rank ? s !== rank : (sev === "none") === (s !== 0)) continue; }
      out[count++] = r;
    }
    matches = out.subarray(0, count);
  };

  // The same markup as the rows the page came with (itam.sitegen.inventory.row_html).
  const el = (tag, cls, content) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content && content.nodeType) e.appendChild(content); else e.textContent = content || "";
    return e;
  };
  const link = (label, id, page) => {
    if (!page) return id ? document.createTextNode(label) : el("span", "unlinked", label);
    const a = el("a", "", label);
    a.href = "../entities/" + encodeURIComponent(id) + ".html";
    return a;
  };
  const ref = (entries, i) => { const e = entries[i - 1]; return e ? link(e[1], e[0], e[2]) : ""; };
  const day = (col, r, live) => {
    const v = col.days[r];
    const shown = v ? new Date((col.base + v) * 864e5).toISOString().slice(0, 10) : "";
    return el("td", "date" + (live && v && col.base + v < D.asOf ? " past" : ""), shown);
  };
  const row = (r) => {
    const tr = document.createElement("tr"), [id, serial, tag, name] = fieldsOf(r);
    const st = T.status[C.status[r] - 1], f = C.findings[r];
    const live = !!st && !!st[1] && st[1] !== "archived";
    const word = ["", "info", "warning", "error"][f & 3], count = f >> 2;
    tr.dataset.id = id;
    tr.append(
      el("td", "", id ? link(id, id, !nopage[r]) : link("(no id)", "", false)),
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
    if (state.page > pages) state.page = pages;
    const first = (state.page - 1) * size, last = Math.min(first + size, matches.length);
    const body = document.createElement("tbody");
    for (let k = first; k < last; k++) body.appendChild(row(matches[k]));
    table.replaceChild(body, table.tBodies[0]);
    $("result-count").textContent = fmt(matches.length) + " of " + fmt(n) + (n === 1 ? " entity" : " entities");
    $("page-range").textContent = matches.length ? "Rows " + fmt(first + 1) + "–" + fmt(last) : "";
    $("no-results").hidden = matches.length > 0;
    $("pager").hidden = pages < 2;
    $("page-status").textContent = "Page " + fmt(state.page) + " of " + fmt(pages);
    $("page-prev").disabled = state.page <= 1;
    $("page-next").disabled = state.page >= pages;
    table.querySelectorAll("th").forEach((th) => {
      const b = th.querySelector("button[data-sort]");
      if (b && b.dataset.sort === state.sort) th.setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
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

  $("search").addEventListener("input", (e) => { state.q = e.target.value; update(true); });
  FILTERS.forEach((k) => $("filter-" + k).addEventListener("change", (e) => { state[k] = e.target.value; update(true); }));
  $("reset").addEventListener("click", () => { KEYS.forEach((k) => { state[k] = ""; }); normalise(); controls(); update(true); });
  table.querySelectorAll("button[data-sort]").forEach((b) => b.addEventListener("click", () => {
    state.dir = state.sort === b.dataset.sort && state.dir === "asc" ? "desc" : "asc";
    state.sort = b.dataset.sort;
    update(true);
  }));
  $("page-prev").addEventListener("click", () => { state.page -= 1; update(false); });
  $("page-next").addEventListener("click", () => { state.page += 1; update(false); });
  window.addEventListener("hashchange", () => { readHash(); controls(); compute(); render(); });

  readHash();
  controls();
  compute();
  render();
  table.setAttribute("data-ready", "");  // for scripts and tests: the view is live
  performance.mark?.("inventory-ready");
})();
