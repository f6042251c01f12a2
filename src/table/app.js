// The negotiation table's page (docs/web.md): "/" creates a session,
// "/s/SESSION/PARTY#TOKEN" is one party's seat, "/h/SESSION#TOKEN" the
// host's view. Everything is built with
// DOM calls and textContent: no text from the server becomes markup.
"use strict";

const main = document.getElementById("main");
const statusLine = document.getElementById("status");

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k) e.append(k);
  return e;
}

function say(text, bad) {
  statusLine.textContent = text;
  statusLine.className = bad ? "bad" : "";
}

async function api(method, path, body, token, signal) {
  const headers = {};
  if (token) headers["X-Parley-Token"] = token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, {
    method, headers, cache: "no-store", credentials: "omit", signal,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await r.json(); } catch (e) { data = { error: "the server sent no JSON" }; }
  return { status: r.status, data };
}

// ---- the host's page: create a session --------------------------------

async function hostPage() {
  const { status, data } = await api("GET", "/api/scenarios");
  if (status !== 200) { say(data.error || "cannot list the scenarios", true); return; }
  const scenarios = data.scenarios;
  const form = el("form", { id: "create" });
  const scen = el("select", { id: "scenario" });
  scenarios.forEach((s, i) => scen.append(el("option", { value: String(i), "data-name": s.name,
    text: s.title && s.title !== s.name ? `${s.title} (${s.name})` : s.name })));
  const proto = el("select", { id: "protocol" },
    el("option", { value: "saop", text: "alternating offers" }),
    el("option", { value: "text", text: "single negotiating text" }));
  const rounds = el("input", { id: "rounds", type: "number", min: "1", max: "1000", value: "20" });
  const drafter = el("select", { id: "drafter" });
  const partiesBox = el("div", { id: "parties" });
  function fillParties() {
    const s = scenarios[Number(scen.value)];
    partiesBox.textContent = "";
    drafter.textContent = "";
    s.parties.forEach((p, i) => {
      drafter.append(el("option", { value: p.id, text: p.name }));
      const id = "party-" + p.id;
      const input = el("input", { id, value: i === 0 ? "person" : "boulware", "data-party": p.id,
        "aria-describedby": "party-help" });
      partiesBox.append(el("div", { class: "row" }, el("label", { for: id, text: p.name }), input));
    });
  }
  scen.addEventListener("change", fillParties);
  const links = el("ul", { id: "links" });
  form.append(
    el("div", { class: "row" }, el("label", { for: "scenario", text: "Scenario" }), scen),
    el("div", { class: "row" }, el("label", { for: "protocol", text: "Protocol" }), proto),
    el("div", { class: "row" }, el("label", { for: "rounds", text: "Deadline (rounds)" }), rounds),
    el("div", { class: "row" }, el("label", { for: "drafter", text: "Drafter (single text)" }), drafter),
    el("h2", { text: "Parties" }),
    el("p", { id: "party-help", class: "muted",
      text: "Type person for a seat a person takes through a link, or a strategy: boulware, conceder, linear, hardliner, agentk, hardheaded ..." }),
    partiesBox,
    el("button", { type: "submit", id: "create-button", text: "Create the session" }));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const s = scenarios[Number(scen.value)];
    const parties = {};
    partiesBox.querySelectorAll("input").forEach((i) => { parties[i.dataset.party] = i.value.trim(); });
    const body = { scenario: s.name, protocol: proto.value, rounds: Number(rounds.value), parties };
    if (proto.value === "text") body.drafter = drafter.value;
    const r = await api("POST", "/api/sessions", body);
    if (r.status !== 201) { say(r.data.error, true); return; }
    say("session created: give each person their link");
    links.textContent = "";
    const hostUrl = location.origin + r.data.host.path;
    links.append(el("li", {}, el("span", { text: "Your view as the host (the figure, every party's utilities): " }),
      el("a", { href: hostUrl, "data-host": "1", target: "_blank", rel: "noopener", text: hostUrl })));
    for (const [pid, l] of Object.entries(r.data.links)) {
      const url = location.origin + l.path;
      links.append(el("li", {}, el("span", { text: pid + ": " }),
        el("a", { href: url, "data-party": pid, target: "_blank", rel: "noopener", text: url })));
    }
  });
  fillParties();
  main.textContent = "";
  main.append(el("section", {}, el("h2", { text: "New session" }), form),
    el("section", {}, el("h2", { text: "Links" }), links), uploadForm());
  say("choose a scenario and who sits at each seat");
}

// ---- uploading a scenario ----------------------------------------------

function base64(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

// A parley YAML file, or a GENIUS or GeniusWeb domain with its profiles
// (several files): sent as they are, read by the server with parley's own
// readers; their errors are shown as parley prints them (FILE:LINE:COL).
function uploadForm() {
  const files = el("input", { id: "upload-files", type: "file", multiple: "",
    accept: ".yaml,.yml,.xml,.json", "aria-describedby": "upload-help" });
  const name = el("input", { id: "upload-name", type: "text", maxlength: "50", pattern: "[A-Za-z0-9._-]*" });
  const out = el("pre", { id: "upload-error", class: "bad", role: "alert" });
  const form = el("form", { id: "upload" },
    el("p", { id: "upload-help", class: "muted", text:
      "A parley YAML file, or a GENIUS domain and its profiles (XML), or a GeniusWeb domain and its profiles (JSON): choose all the files at once." }),
    el("div", { class: "row" }, el("label", { for: "upload-files", text: "Files" }), files),
    el("div", { class: "row" }, el("label", { for: "upload-name", text: "Name (optional)" }), name),
    el("button", { type: "submit", id: "upload-button", text: "Upload" }), out);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    out.textContent = "";
    if (!files.files.length) { out.textContent = "choose a file first"; return; }
    const list = [];
    for (const f of files.files)
      list.push({ name: f.name, data: base64(new Uint8Array(await f.arrayBuffer())) });
    const body = { files: list };
    if (name.value.trim()) body.name = name.value.trim();
    const r = await api("POST", "/api/scenarios", body);
    if (r.status !== 201) { out.textContent = r.data.error; say("the upload was refused", true); return; }
    await hostPage();
    const sel = document.getElementById("scenario");
    const opt = [...sel.options].find((o) => o.dataset.name === r.data.name);
    if (opt) { sel.value = opt.value; sel.dispatchEvent(new Event("change")); }
    say("uploaded " + r.data.name + ": it is in the list");
  });
  return el("section", {}, el("h2", { text: "Upload a scenario" }), form);
}

// ---- the figure and the results ---------------------------------------

// A private file of the session (the token goes in the header, so it is
// fetched, not linked).
async function fetchFile(id, token, what) {
  const r = await fetch(`/api/sessions/${id}/${what}`, { headers: { "X-Parley-Token": token },
    cache: "no-store", credentials: "omit" });
  if (!r.ok) {
    let msg = "cannot fetch " + what;
    try { msg = (await r.json()).error; } catch (e) { /* not JSON */ }
    throw new Error(msg);
  }
  return r.blob();
}

// The outcome space with the offers so far, as an image (a data: URL, so
// the page's CSP holds: no inline SVG styles in the page).
async function showFigure(img, id, token) {
  try {
    const bytes = new Uint8Array(await (await fetchFile(id, token, "figure.svg")).arrayBuffer());
    img.src = "data:image/svg+xml;base64," + base64(bytes);
  } catch (e) {
    img.alt = e.message;
  }
}

// The downloads after the end: the report, the analysis, the transcript.
function results(id, token) {
  const files = [["report.html", "The report (HTML)", "report"],
    ["analysis", "The analysis (JSON)", "analysis"], ["transcript", "The transcript", "transcript"]];
  const box = el("div", { class: "row" });
  for (const [what, label, key] of files)
    box.append(el("button", { type: "button", class: "secondary", id: "get-" + key, text: label,
      onclick: async () => {
        try {
          const blob = await fetchFile(id, token, what);
          const url = URL.createObjectURL(blob);
          const a = el("a", { href: url, download: what === "analysis" ? "analysis.json" :
            what === "transcript" ? "transcript.jsonl" : what });
          document.body.append(a);
          a.click();
          a.remove();
          setTimeout(() => URL.revokeObjectURL(url), 60000);
        } catch (e) { say(e.message, true); }
      } }));
  const img = el("img", { id: "figure", alt: "The outcome space: every offer in the parties' utilities, the Pareto frontier, Nash and the agreement" });
  showFigure(img, id, token);
  return el("section", { id: "results" }, el("h2", { text: "After the end" }),
    el("p", { text: "The analysis of the scenario with the result placed against the frontier and Nash, the report, and the transcript" +
      " (a signed record when the server signs)." }), box, img);
}

// A seat's own utility of each offer over the rounds: drawn from the view
// (which holds this party's utilities only), as SVG elements.
function utilityChart(view) {
  const pts = view.events.filter((e) => e.offer && e.utility !== undefined);
  if (!pts.length) return null;
  const ns = "http://www.w3.org/2000/svg", W = 480, H = 160, L = 36, B = 22;
  const svg = document.createElementNS(ns, "svg");
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-labelledby", "chart-title");
  add("title", { id: "chart-title" }, "Your utility of each offer over the rounds");
  const maxR = Math.max(view.rounds, 1);
  const x = (r) => L + (W - L - 8) * Math.min(r, maxR) / maxR;
  const y = (u) => 6 + (H - B - 6) * (1 - u);
  add("line", { x1: L, y1: y(0), x2: W - 8, y2: y(0), stroke: "#555" });
  add("line", { x1: L, y1: y(0), x2: L, y2: y(1), stroke: "#555" });
  for (const u of [0, 0.5, 1]) add("text", { x: L - 4, y: y(u) + 4, "text-anchor": "end", "font-size": 11 }, u.toFixed(1));
  add("text", { x: W - 8, y: H - 4, "text-anchor": "end", "font-size": 11 }, "round");
  add("line", { x1: L, y1: y(view.you.reservation), x2: W - 8, y2: y(view.you.reservation),
    stroke: "#a40000", "stroke-dasharray": "4 3" });
  for (const e of pts) {
    const mine = e.party === view.you.id;
    const c = add("circle", { cx: x(e.round), cy: y(e.utility), r: 4,
      fill: mine ? "#17324d" : "#fff", stroke: mine ? "#17324d" : "#e07b00", "stroke-width": 2 });
    const t = document.createElementNS(ns, "title");
    t.textContent = `round ${e.round}, ${partyName(view, e.party)}: ${e.utility.toFixed(3)}`;
    c.append(t);
  }
  return el("section", { id: "chart" }, el("h2", { text: "Your utility of each offer" }),
    el("p", { class: "muted", text: "Filled: your offers; open: the others'; dashed: your reservation value." }), svg);
}

// ---- the host's view ---------------------------------------------------

const host = { id: null, token: null, view: null };

function renderHost(view) {
  host.view = view;
  main.dataset.version = String(view.version);
  document.getElementById("title").textContent = (view.scenario.title || view.scenario.name) + " — host";
  const ids = view.parties.map((p) => p.id);
  const t = el("table", { id: "host-events" }, el("caption", { text: "Every offer, with every party's utility" }),
    el("tr", {}, ...["Round", "Who", "What", ...view.parties.map((p) => p.name)].map((h) =>
      el("th", { scope: "col", text: h }))));
  view.events.forEach((e) => t.append(el("tr", {}, el("td", { text: String(e.round) }),
    el("td", { text: e.party ? partyName(view, e.party) : "" }), el("td", { text: e.kind }),
    ...ids.map((p) => el("td", { text: e.utilities ? e.utilities[p].toFixed(3) : "" })))));
  const img = el("img", { id: "figure", alt: "The outcome space with the offers so far" });
  showFigure(img, host.id, host.token);
  main.textContent = "";
  if (view.end) {
    const pay = view.parties.map((p) => `${p.name} ${view.end.payoffs[p.id].toFixed(3)}`).join(", ");
    main.append(el("section", { id: "result" }, el("h2", { text: "Result: " + view.end.ended_by }),
      el("p", { text: "Payoffs: " + pay })), results(host.id, host.token));
    say("ended: " + view.end.ended_by);
  } else {
    const waiting = view.parties.filter((p) => p.waiting).map((p) => p.name);
    say(`round ${view.round} of ${view.rounds} (${view.protocol})` +
      (waiting.length ? " — waiting for " + waiting.join(", ") : ""));
    main.append(el("section", { id: "live" }, el("h2", { text: "The outcome space, live" }),
      el("p", { class: "muted", text: "Only you, the host, see this during the negotiation: it shows every party's utilities. The parties see it after the end." }),
      img));
  }
  main.append(el("section", {}, el("h2", { text: "History" }), t));
}

function hostView(m) {
  host.id = m[1];
  host.token = decodeURIComponent(location.hash.slice(1));
  if (!/^[0-9a-f]{64}$/.test(host.token)) { say("this link has no valid token", true); return; }
  main.dataset.updates = "stream";
  follow(host, renderHost);
}

// ---- a party's seat --------------------------------------------------

const seat = { id: null, party: null, token: null, view: null, builder: null };

function optionName(view, issue, optId) {
  const is = view.you.issues.find((i) => i.id === issue);
  const o = is && is.options.find((x) => x.id === optId);
  return o ? o.name : String(optId);
}

function outcomeText(view, offer) {
  return view.you.issues.map((i) => i.name + ": " +
    (offer[i.id] === null ? "(not agreed)" : optionName(view, i.id, offer[i.id]))).join("; ");
}

function partyName(view, id) {
  const p = view.parties.find((x) => x.id === id);
  return p ? p.name : "";
}

// The checks (dry runs) in flight: an action cancels them, since once it
// is taken they would ask about a turn that has passed (409).
let checks = 0, checking = new AbortController();
async function check(kind, offer, out) {
  if (seat.busy) return;
  const mine = ++checks; // only the latest check's answer is shown
  const signal = checking.signal;
  let r;
  try {
    r = await api("POST", `/api/sessions/${seat.id}/act`,
      { type: kind, offer, dry_run: true }, seat.token, signal);
  } catch (e) {
    return; // cancelled by an action, or the connection failed: nothing to show
  }
  // cancelled while its answer was being read (api then finds no JSON)
  if (signal.aborted || mine !== checks) return;
  if (r.status !== 200) { out.textContent = r.data.error; out.className = "bad"; return; }
  out.textContent = (r.data.ok ? "" : r.data.error + " — ") +
    (typeof r.data.utility === "number" ? "your utility: " + r.data.utility.toFixed(3) : "");
  out.className = r.data.ok ? "good" : "bad";
}

function builder(view, base, kind) {
  const box = el("fieldset", { id: "builder" }, el("legend", { text:
    kind === "comment" ? "Your comment: the options you want instead" :
    view.protocol === "text" ? "Your draft of the text" : "Your offer" }));
  const sels = {};
  const out = el("p", { id: "utility", role: "status", "aria-live": "polite" });
  function current() {
    const o = {};
    for (const [k, s] of Object.entries(sels)) o[k] = s.value;
    return o;
  }
  view.you.issues.forEach((is) => {
    const id = "issue-" + is.id;
    const s = el("select", { id, "data-issue": is.id });
    is.options.forEach((o) => s.append(el("option", { value: o.id,
      text: `${o.name} (your value ${o.value.toFixed(2)})` })));
    if (base && base[is.id] !== null && base[is.id] !== undefined) s.value = base[is.id];
    s.addEventListener("change", () => {
      s.parentElement.classList.toggle("changed", base && s.value !== base[is.id]);
      check(kind, current(), out);
    });
    sels[is.id] = s;
    box.append(el("div", { class: "row" },
      el("label", { for: id, text: `${is.name} (weight ${is.weight.toFixed(2)})` }), s));
  });
  box.append(out);
  check(kind, current(), out);
  return { box, current };
}

// One action at a time: while it is on its way the buttons are disabled
// (a view the stream brings meanwhile is drawn with them disabled too), so
// a second click cannot send a move the first has made stale. The answer
// is drawn unless the stream has already shown a later view.
async function act(body) {
  checking.abort();
  checking = new AbortController();
  seat.busy = true;
  main.dataset.busy = "1";
  document.querySelectorAll("#act button").forEach((b) => { b.disabled = true; });
  let r;
  try { r = await api("POST", `/api/sessions/${seat.id}/act`, body, seat.token); } catch (e) {
    r = { status: 0, data: { error: "the connection failed; try again" } };
  }
  seat.busy = false;
  delete main.dataset.busy;
  if (r.status !== 200) {
    document.querySelectorAll("#act button").forEach((b) => { b.disabled = false; });
    say(r.data.error, true);
    return;
  }
  render(r.data.version >= seat.view.version ? r.data : seat.view);
  say("sent; " + statusLine.textContent);
}

function noteField() {
  return el("div", { class: "row" }, el("label", { for: "note", text: "Note to the others (optional)" }),
    el("textarea", { id: "note", rows: "2", cols: "50", maxlength: "1000" }));
}
function note() {
  const n = document.getElementById("note");
  return n && n.value.trim() ? n.value.trim() : undefined;
}

function actions(view) {
  const sec = el("section", { id: "act" }, el("h2", { text: "Your move" }));
  const ask = view.you.ask;
  if (view.end) { sec.append(el("p", { text: "The negotiation has ended." })); return sec; }
  if (!ask) {
    const waiting = view.parties.filter((p) => p.waiting).map((p) => p.name);
    sec.append(el("p", { id: "wait", text: waiting.length ? "Waiting for " + waiting.join(", ") + "." : "Waiting." }));
    return sec;
  }
  const text = view.protocol === "text";
  if (ask === "respond") {
    const st = view.you.standing;
    sec.append(el("p", { id: "standing", text: (text ? "The draft: " : "The offer on the table: ") +
      outcomeText(view, st.offer) + ` — your utility ${st.utility.toFixed(3)}` }));
    const b = builder(view, st.offer, text ? "comment" : "offer");
    sec.append(noteField(),
      el("button", { id: "accept", type: "button", text: text ? "Accept the draft" : "Accept the offer",
        onclick: () => act({ type: "accept", note: note() }) }),
      b.box,
      el("button", { id: "send", type: "button", class: "secondary",
        text: text ? "Send the comment" : "Reject and counter-offer",
        onclick: () => act({ type: text ? "comment" : "offer", offer: b.current(), note: note() }) }));
  } else {
    const last = [...view.events].reverse().find((e) => e.party === view.you.id && e.offer);
    const b = builder(view, last ? last.offer : null, "offer");
    sec.append(b.box, noteField(),
      el("button", { id: "send", type: "button", text: text ? "Send the draft" : "Send the offer",
        onclick: () => act({ type: "offer", offer: b.current(), note: note() }) }));
  }
  sec.append(el("button", { id: "walk", type: "button", class: "secondary", text: "Walk out",
    onclick: () => { if (confirm("End the negotiation for everyone?")) act({ type: "end" }); } }));
  if (seat.busy) sec.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  return sec;
}

function prefs(view) {
  const t = el("table", {}, el("caption", { text: "Your preferences (only you see them)" }),
    el("tr", {}, el("th", { scope: "col", text: "Issue" }), el("th", { scope: "col", text: "Weight" }),
      el("th", { scope: "col", text: "Options (your value)" })));
  view.you.issues.forEach((i) => t.append(el("tr", {}, el("td", { text: i.name }),
    el("td", { text: i.weight.toFixed(2) }),
    el("td", { text: i.options.map((o) => `${o.name} ${o.value.toFixed(2)}`).join(", ") }))));
  const red = el("ul", {});
  view.you.red_lines.forEach((r) => red.append(el("li", { text: r.description || r.id })));
  return el("section", { id: "prefs" }, el("h2", { text: "You are " + view.you.name }), t,
    el("p", { text: `Reservation value: ${view.you.reservation.toFixed(3)}` }),
    view.you.red_lines.length ? el("h3", { text: "Your red lines" }) : null,
    view.you.red_lines.length ? red : null);
}

function history(view) {
  const t = el("table", { id: "events" }, el("caption", { text: "What happened" }),
    el("tr", {}, ...["Round", "Who", "What", "Outcome", "Your utility", "Note"].map((h) =>
      el("th", { scope: "col", text: h }))));
  view.events.forEach((e) => t.append(el("tr", {},
    el("td", { text: String(e.round) }),
    el("td", { text: e.party ? partyName(view, e.party) : "" }),
    el("td", { text: e.kind + (e.rejects && e.rejects.length ? " (rejects " + e.rejects.join(", ") + ")" : "") }),
    el("td", { text: e.offer ? outcomeText(view, e.offer) : "" }),
    el("td", { text: e.utility !== undefined ? e.utility.toFixed(3) : "" }),
    el("td", { text: e.note || "" }))));
  return el("section", {}, el("h2", { text: "History" }), t);
}

function render(view) {
  seat.view = view;
  main.dataset.version = String(view.version);
  document.getElementById("title").textContent = view.scenario.title || view.scenario.name;
  const clock = `round ${view.round} of ${view.rounds} (${view.protocol})`;
  main.textContent = "";
  if (view.end) {
    const agr = view.end.agreement;
    main.append(el("section", { id: "result" }, el("h2", { text: "Result: " + view.end.ended_by }),
      el("p", { text: agr ? "Agreement: " + outcomeText(view, agr) : "No agreement." }),
      el("p", { text: `Your payoff: ${view.end.payoff.toFixed(3)}` }),
      view.end.failure ? el("p", { text: view.end.failure }) : null));
    say("ended: " + view.end.ended_by + " — " + clock);
  } else {
    say((view.you.ask ? "your turn — " : "") + clock);
  }
  main.append(actions(view), utilityChart(view) || "", prefs(view), history(view));
  if (view.end) main.insertBefore(results(seat.id, seat.token), main.children[1]);
}

// Updates: the seat's stream of server-sent events (GET .../events), read
// with fetch() so that the token goes in the X-Parley-Token header and
// never in a URL (EventSource cannot send headers). Each message is the
// view with the events after the last one received; its id VERSION.EVENTS
// is sent back as since and from when the stream is opened again, so no
// event is lost or repeated. When streams fail (an old server, a proxy
// that buffers), long polling takes over. The host's view (w = host,
// draw = renderHost) is followed the same way as a seat's (w = seat, draw =
// render).

function showView(w, draw, data) {
  // a message's events continue those already shown
  const v = w.view;
  if (v && data.events_from > 0) {
    if (data.events_from > v.events.length) return false;
    data.events = v.events.slice(0, data.events_from).concat(data.events);
  }
  if (!v || data.version > v.version) draw(data); // views only go forward
  return true;
}

async function stream(w, draw) {
  const r = await fetch(`/api/sessions/${w.id}/events` + (w.view
    ? `?since=${w.view.version}&from=${w.view.events.length}` : ""), {
    headers: { "X-Parley-Token": w.token, Accept: "text/event-stream" },
    cache: "no-store", credentials: "omit" });
  const type = r.headers.get("Content-Type") || "";
  if (r.status !== 200 || !type.startsWith("text/event-stream") || !r.body) {
    let data = null;
    try { data = await r.json(); } catch (e) { data = null; }
    return { status: r.status, error: data && data.error };
  }
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "", got = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { status: 200, got };
    buf += value;
    let cut;
    while ((cut = buf.indexOf("\n\n")) >= 0) {
      const msg = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const data = msg.split("\n").filter((l) => l.startsWith("data: "))
        .map((l) => l.slice(6)).join("\n");
      if (!data) continue; // a heartbeat
      if (!showView(w, draw, JSON.parse(data))) { reader.cancel(); return { status: 200, got }; }
      got++;
    }
  }
}

async function poll(w, draw) {
  for (;;) {
    const v = w.view;
    if (v && v.end) return;
    const q = v ? `?since=${v.version}&wait=25` : "";
    let r;
    try { r = await api("GET", `/api/sessions/${w.id}${q}`, undefined, w.token); } catch (e) {
      say("connection lost; retrying", true);
      await new Promise((res) => setTimeout(res, 2000));
      continue;
    }
    if (r.status !== 200) { say(r.data.error, true); return; }
    if (!w.view || r.data.version > w.view.version) draw(r.data);
  }
}

async function follow(w, draw) {
  let failures = 0;
  while (!(w.view && w.view.end)) {
    let r;
    try { r = await stream(w, draw); } catch (e) { r = { status: 0 }; }
    if (r.status === 403 || r.status === 404) { say(r.error || "no such seat", true); return; }
    if (r.status === 200 && r.got > 0) failures = 0;
    else if (++failures >= 3) break; // streams do not get through
    if (!(w.view && w.view.end)) await new Promise((res) => setTimeout(res, 1000));
  }
  if (!(w.view && w.view.end)) { main.dataset.updates = "polling"; poll(w, draw); }
}

function seatPage(m) {
  seat.id = m[1];
  seat.party = m[2];
  seat.token = decodeURIComponent(location.hash.slice(1));
  if (!/^[0-9a-f]{64}$/.test(seat.token)) { say("this link has no valid token", true); return; }
  main.dataset.updates = "stream";
  follow(seat, render);
}

const m = location.pathname.match(/^\/s\/([0-9a-f]{32})\/([A-Za-z0-9._-]+)$/);
const h = location.pathname.match(/^\/h\/([0-9a-f]{32})$/);
if (m) seatPage(m); else if (h) hostView(h); else hostPage();
