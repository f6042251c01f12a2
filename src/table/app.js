// The negotiation table's page (docs/web.md): "/" creates a session,
// "/s/SESSION/PARTY#TOKEN" is one party's seat. Everything is built with
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

async function api(method, path, body, token) {
  const headers = {};
  if (token) headers["X-Parley-Token"] = token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, {
    method, headers, cache: "no-store", credentials: "omit",
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
  scenarios.forEach((s, i) => scen.append(el("option", { value: String(i), text: s.title || s.name })));
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
    for (const [pid, l] of Object.entries(r.data.links)) {
      const url = location.origin + l.path;
      links.append(el("li", {}, el("span", { text: pid + ": " }),
        el("a", { href: url, "data-party": pid, target: "_blank", rel: "noopener", text: url })));
    }
  });
  fillParties();
  main.textContent = "";
  main.append(el("section", {}, el("h2", { text: "New session" }), form),
    el("section", {}, el("h2", { text: "Links" }), links));
  say("choose a scenario and who sits at each seat");
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

let checks = 0;
async function check(kind, offer, out) {
  const mine = ++checks; // only the latest check's answer is shown
  const r = await api("POST", `/api/sessions/${seat.id}/act`,
    { type: kind, offer, dry_run: true }, seat.token);
  if (mine !== checks) return;
  if (r.status !== 200) { out.textContent = r.data.error; out.className = "bad"; return; }
  out.textContent = (r.data.ok ? "" : r.data.error + " — ") +
    (r.data.utility === null ? "" : "your utility: " + r.data.utility.toFixed(3));
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

async function act(body) {
  const r = await api("POST", `/api/sessions/${seat.id}/act`, body, seat.token);
  if (r.status !== 200) { say(r.data.error, true); return; }
  render(r.data);
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
  main.append(actions(view), prefs(view), history(view));
}

// Updates: the seat's stream of server-sent events (GET .../events), read
// with fetch() so that the token goes in the X-Parley-Token header and
// never in a URL (EventSource cannot send headers). Each message is the
// view with the events after the last one received; its id VERSION.EVENTS
// is sent back as since and from when the stream is opened again, so no
// event is lost or repeated. When streams fail (an old server, a proxy
// that buffers), long polling takes over.

function showView(data) {
  // a message's events continue those already shown
  const v = seat.view;
  if (v && data.events_from > 0) {
    if (data.events_from > v.events.length) return false;
    data.events = v.events.slice(0, data.events_from).concat(data.events);
  }
  if (!v || data.version !== v.version || data.events.length !== v.events.length) render(data);
  return true;
}

async function stream() {
  const r = await fetch(`/api/sessions/${seat.id}/events` + (seat.view
    ? `?since=${seat.view.version}&from=${seat.view.events.length}` : ""), {
    headers: { "X-Parley-Token": seat.token, Accept: "text/event-stream" },
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
      if (!showView(JSON.parse(data))) { reader.cancel(); return { status: 200, got }; }
      got++;
    }
  }
}

async function poll() {
  for (;;) {
    const v = seat.view;
    if (v && v.end) return;
    const q = v ? `?since=${v.version}&wait=25` : "";
    let r;
    try { r = await api("GET", `/api/sessions/${seat.id}${q}`, undefined, seat.token); } catch (e) {
      say("connection lost; retrying", true);
      await new Promise((res) => setTimeout(res, 2000));
      continue;
    }
    if (r.status !== 200) { say(r.data.error, true); return; }
    if (!v || r.data.version !== v.version) render(r.data);
  }
}

async function follow() {
  let failures = 0;
  while (!(seat.view && seat.view.end)) {
    let r;
    try { r = await stream(); } catch (e) { r = { status: 0 }; }
    if (r.status === 403 || r.status === 404) { say(r.error || "no such seat", true); return; }
    if (r.status === 200 && r.got > 0) failures = 0;
    else if (++failures >= 3) break; // streams do not get through
    if (!(seat.view && seat.view.end)) await new Promise((res) => setTimeout(res, 1000));
  }
  if (!(seat.view && seat.view.end)) { main.dataset.updates = "polling"; poll(); }
}

function seatPage(m) {
  seat.id = m[1];
  seat.party = m[2];
  seat.token = decodeURIComponent(location.hash.slice(1));
  if (!/^[0-9a-f]{64}$/.test(seat.token)) { say("this link has no valid token", true); return; }
  main.dataset.updates = "stream";
  follow();
}

const m = location.pathname.match(/^\/s\/([0-9a-f]{32})\/([A-Za-z0-9._-]+)$/);
if (m) seatPage(m); else hostPage();
