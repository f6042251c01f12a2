// parley serve in a real browser (docs/web.md): Debian's Chromium driven by
// playwright-core (never a downloaded browser). A person plays alternating
// offers against boulware on the job offer to the end; two browser contexts
// play two delegations of the security talks in the single text while
// boulware plays the third, to the end, each seat updated by its stream of
// server-sent events; a seat whose stream is blocked falls back to long
// polling; the host's view shows the figure live, updated by its stream;
// after the end a seat shows the figure and downloads the report, which
// renders under the CSP it is served with; a bad upload shows parley's own
// FILE:LINE:COL message and a good one joins the list; the pages pass
// axe-core's checks; screenshots go to OUT.
//
// usage: node play.mjs PARLEY SOURCE_DIR OUT. Exit 77 (skip) without
// Chromium or without the npm packages (scripts/install-deps runs npm ci).
// Every loop is bounded by a count; only 127.0.0.1 is contacted.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

const [PARLEY, SRC, OUT] = process.argv.slice(2);
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
if (!CHROMIUM) {
  console.log("SKIP: Debian's chromium is not installed (apt-get install chromium)");
  process.exit(77);
}
const require = createRequire(import.meta.url);
let playwright, axePath;
try {
  playwright = require("playwright-core");
  axePath = require.resolve("axe-core/axe.min.js");
} catch (e) {
  console.log("SKIP: playwright-core and axe-core are not installed (scripts/install-deps runs npm ci in tests/web/browser)");
  process.exit(77);
}

let passed = 0, failed = 0;
function ok(cond, what) {
  if (cond) passed++;
  else { failed++; console.log("FAIL: " + what); }
}

function startServer(data, scenarios) {
  return new Promise((resolve, reject) => {
    const p = spawn(PARLEY, ["serve", "--port", "0", "--data", data, ...scenarios],
      { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => {
      err += d;
      const m = err.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) resolve({ p, base: `http://127.0.0.1:${m[1]}` });
    });
    p.on("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

mkdirSync(OUT, { recursive: true });
const shot = (page, name) => page.screenshot({ path: path.join(OUT, name + ".png"), fullPage: true });
const data = mkdtempSync(path.join(tmpdir(), "parley-browser-"));
const { p: server, base } = await startServer(data, [
  path.join(SRC, "examples/job-offer.yaml"), path.join(SRC, "examples/security-talks.yaml")]);
const browser = await playwright.chromium.launch({
  executablePath: CHROMIUM, args: ["--no-sandbox", "--no-proxy-server"] });

const consoleErrors = [];
async function newPage(ctxOptions) {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...ctxOptions });
  const page = await ctx.newPage();
  // refused actions (422, the person's red line) and the refused upload
  // (400, its line:col message) are answers the page shows
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of (400|422)/.test(m.text())) consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(e.stack || String(e)));
  // what a refused request was and what the server said (for the report)
  page.on("response", async (r) => {
    if (r.status() < 400 || r.status() === 400 || r.status() === 422) return;
    const req = r.request();
    let body = "";
    try { body = await r.text(); } catch (e) { body = "(no body)"; }
    consoleErrors.push(`${req.method()} ${new URL(r.url()).pathname} ${req.postData() || ""} -> ` +
      `${r.status()} ${body}`);
  });
  page.on("dialog", (d) => d.accept());
  page.setDefaultTimeout(60000); // a loaded machine, an ASan server
  return page;
}

// The host's page: a session from the form; the links it shows.
async function host(page, scenario, protocol, rounds, parties, drafter) {
  await page.goto(base + "/");
  await page.waitForSelector("#create-button");
  const names = await page.$$eval("#scenario option", (os) => os.map((o) => o.textContent));
  await page.selectOption("#scenario", String(names.findIndex((n) => n.includes(scenario))));
  await page.selectOption("#protocol", protocol);
  await page.fill("#rounds", String(rounds));
  for (const [id, who] of Object.entries(parties)) await page.fill(`#party-${id}`, who);
  if (drafter) await page.selectOption("#drafter", drafter);
  await page.click("#create-button");
  await page.waitForSelector("#links a");
  const links = Object.fromEntries(await page.$$eval("#links a[data-party]",
    (as) => as.map((a) => [a.dataset.party, a.href])));
  Object.defineProperty(links, "host", { value: await page.$eval("#links a[data-host]", (a) => a.href) });
  return links;
}

// Sets every issue of the builder to this party's best option.
async function chooseBest(page) {
  await page.$$eval("#builder select", (sels) => sels.forEach((s) => {
    let best = 0, bestV = -1;
    [...s.options].forEach((o, i) => {
      const v = Number((o.textContent.match(/your value ([0-9.]+)/) || [])[1]);
      if (v > bestV) { bestV = v; best = i; }
    });
    s.selectedIndex = best;
    s.dispatchEvent(new Event("change"));
  }));
}

const turnOrEnd = "#send, #result";
const version = (page) => page.$eval("#main", (m) => m.dataset.version);
// Clicks and waits until the action's answer is in (the page is no longer
// busy) and the page shows a new version, or an error. A version the stream
// brings while the action is on its way does not count: the next click
// would act on a view the action has made stale.
async function clickAndWait(page, sel) {
  const v = await version(page);
  await page.$eval("#status", (e) => { e.className = ""; });
  await page.click(sel);
  await page.waitForFunction((v0) => {
    const m = document.querySelector("#main");
    return !m.dataset.busy && (m.dataset.version !== v0 ||
      document.querySelector("#status").className === "bad");
  }, v);
  return (await page.$eval("#status", (e) => e.className)) !== "bad";
}

// ---- 1. a person against boulware, alternating offers -----------------------
{
  const page = await newPage();
  const links = await host(page, "job offer", "saop", 8, { candidate: "person", employer: "boulware" });
  ok(Object.keys(links).join() === "candidate", "one link, the candidate's");
  await shot(page, "host");
  const hostView = await newPage();
  await hostView.goto(links.host);
  const figureShown = (pg) => pg.waitForFunction(() => {
    const i = document.querySelector("#figure");
    return i && i.complete && i.naturalWidth > 0;
  });
  await figureShown(hostView);
  ok(true, "the host's view shows the figure");
  const hostVersion = await version(hostView);
  const seat = await newPage();
  await seat.goto(links.candidate);
  await seat.waitForSelector("#send");
  await chooseBest(seat);
  await seat.waitForFunction(() => /your utility/.test(document.querySelector("#utility").textContent));
  await shot(seat, "job-offer-seat");
  // the red line is flagged before sending
  await seat.selectOption("#issue-salary", "60");
  await seat.waitForFunction(() => /red line/.test(document.querySelector("#utility").textContent))
    .catch(async (e) => { console.log("utility:", await seat.textContent("#utility")); throw e; });
  ok(await seat.$eval("#utility", (e) => e.className === "bad"), "a breach is flagged");
  await chooseBest(seat);
  ok(await clickAndWait(seat, "#send"), "the first offer");
  await hostView.waitForFunction((v0) => document.querySelector("#main").dataset.version !== v0, hostVersion);
  await figureShown(hostView);
  ok(/0\.\d{3}.*0\.\d{3}/.test(await hostView.textContent("#host-events")),
    "the host sees both parties' utilities");
  await shot(hostView, "host-view");
  ok(!(await seat.$("#figure")), "no figure on a seat before the end");
  ok(await seat.$("#chart svg circle"), "a seat charts its own utility of each offer");
  for (let i = 0; i < 30; i++) {
    await seat.waitForSelector(turnOrEnd);
    if (await seat.$("#result")) break;
    const standing = await seat.$("#standing");
    const u = standing ? Number((await standing.textContent()).match(/your utility ([0-9.]+)/)[1]) : 0;
    if (standing && u >= 0.7) ok(await clickAndWait(seat, "#accept"), "accepted");
    else { await chooseBest(seat); ok(await clickAndWait(seat, "#send"), "countered"); }
  }
  await seat.waitForSelector("#result");
  const result = await seat.textContent("#result");
  ok(/Result: (agreement|deadline)/.test(result), "the job offer ended: " + result);
  await figureShown(seat);
  await shot(seat, "job-offer-end");
  // the report, one click away: a download
  const [dl] = await Promise.all([seat.waitForEvent("download"), seat.click("#get-report")]);
  ok(dl.suggestedFilename() === "report.html", "the report downloads: " + dl.suggestedFilename());
  const [dt] = await Promise.all([seat.waitForEvent("download"), seat.click("#get-transcript")]);
  ok(dt.suggestedFilename() === "transcript.jsonl", "the transcript downloads");
  // the report renders under the CSP the server sends with it
  const m = links.candidate.match(/\/s\/([0-9a-f]{32})\/[^#]+#([0-9a-f]{64})/);
  const res = await seat.request.get(`${base}/api/sessions/${m[1]}/report.html`,
    { headers: { "X-Parley-Token": m[2] } });
  const csp = res.headers()["content-security-policy"];
  ok(res.ok() && /sandbox/.test(csp) && !/unsafe-inline/.test(csp), "the report's CSP: " + csp);
  const html = await res.text();
  const viewer = await newPage();
  const refused = [];
  viewer.on("console", (msg) => { if (/Content Security Policy/.test(msg.text())) refused.push(msg.text()); });
  await viewer.route("http://report.invalid/", (route) => route.fulfill({ status: 200,
    headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": csp }, body: html }));
  await viewer.goto("http://report.invalid/");
  await viewer.waitForSelector("svg");
  ok(refused.length === 0, "the report under its CSP: " + refused.join(" | "));
  ok(await viewer.evaluate(() => getComputedStyle(document.body).fontFamily !== "" &&
    getComputedStyle(document.querySelector("header, h1")).display !== "inline"), "its style applies");
  await shot(viewer, "report");
}

// ---- 2. two delegations in two contexts, boulware the third, single text ----
{
  const page = await newPage();
  const links = await host(page, "Security guarantees", "text", 6,
    { russia: "person", usa: "person", nato: "boulware" }, "russia");
  ok(Object.keys(links).sort().join() === "russia,usa", "links for the two people");
  const seats = { russia: await newPage(), usa: await newPage() };
  for (const [p, s] of Object.entries(seats)) await s.goto(links[p]);
  let ended = false, shots = 0;
  for (let i = 0; i < 80 && !ended; i++) {
    let acted = false;
    for (const [p, s] of Object.entries(seats)) {
      await s.waitForSelector("#act");
      if (await s.$("#result")) { ended = true; break; }
      if (!(await s.$("#send"))) continue;
      acted = true;
      if (shots < 2) { await shot(s, `talks-${p}`); shots++; }
      if (await s.$("#accept")) {
        if (!(await clickAndWait(s, "#accept"))) { // not acceptable: comment
          await chooseBest(s);
          await s.fill("#note", `${p}: these articles as we wrote them`);
          if (!(await clickAndWait(s, "#send"))) await clickAndWait(s, "#walk");
        }
      } else {
        await chooseBest(s);
        ok(await clickAndWait(s, "#send"), "a draft");
      }
    }
    if (!acted && !ended) await seats.russia.waitForTimeout(200);
  }
  for (const [p, s] of Object.entries(seats)) {
    await s.waitForSelector("#result");
    await shot(s, `talks-end-${p}`);
  }
  const hist = await seats.usa.textContent("#events");
  ok(/NATO/.test(hist), "boulware (NATO) took part");
  ok(/Result:/.test(await seats.russia.textContent("#result")), "the talks ended");
  for (const [p, s] of Object.entries(seats))
    ok(await s.$eval("#main", (m) => m.dataset.updates) === "stream", `${p} was updated by its stream`);
  ok(!/0\.\d{3}.*0\.\d{3}.*0\.\d{3}/.test(await seats.usa.textContent("#standing").catch(() => "")),
    "no other party's utility on a seat");
}

// ---- 3. uploads: a bad file shows parley's message, a good set is listed -----
{
  const page = await newPage();
  await page.goto(base + "/");
  await page.waitForSelector("#upload-button");
  const bad = "scenario: x\nissues: [\n";
  const dir = mkdtempSync(path.join(tmpdir(), "parley-upload-"));
  writeFileSync(path.join(dir, "bad.yaml"), bad);
  const want = spawnSync(PARLEY, ["analyze", "bad.yaml"], { cwd: dir, encoding: "utf8" }).stderr.trim();
  await page.setInputFiles("#upload-files", { name: "bad.yaml", mimeType: "text/yaml", buffer: Buffer.from(bad) });
  await page.click("#upload-button");
  await page.waitForFunction(() => document.querySelector("#upload-error").textContent !== "");
  const shown = await page.textContent("#upload-error");
  ok(shown === want && /^bad\.yaml:\d+:\d+: /.test(shown), `the upload's error ${shown} is the CLI's ${want}`);
  await shot(page, "upload-error");
  const g = path.join(SRC, "tests/data/genius/mixed");
  await page.setInputFiles("#upload-files", ["mixed.xml", "buyer.xml", "seller.xml"].map((f) => path.join(g, f)));
  await page.click("#upload-button");
  await page.waitForFunction(() => /uploaded/.test(document.querySelector("#status").textContent));
  ok(await page.$eval("#scenario", (s) => s.selectedOptions[0].dataset.name === "mixed"),
    "the uploaded GENIUS scenario is listed and chosen");
  ok((await page.$$("#parties input")).length === 2, "its parties are on the form");
}

// ---- 2b. a seat whose stream is blocked falls back to long polling ----------
{
  const page = await newPage();
  const links = await host(page, "job offer", "saop", 8, { candidate: "person", employer: "person" });
  const ctx = await browser.newContext(); // its failed requests are expected
  const employer = await ctx.newPage();
  employer.setDefaultTimeout(60000);
  await employer.route(/\/events/, (route) => route.abort());
  await employer.goto(links.employer);
  await employer.waitForFunction(() => document.querySelector("#main").dataset.updates === "polling");
  await employer.waitForSelector("#wait");
  const candidate = await newPage();
  await candidate.goto(links.candidate);
  await candidate.waitForSelector("#send");
  await chooseBest(candidate);
  ok(await clickAndWait(candidate, "#send"), "the candidate's offer");
  await employer.waitForSelector("#accept"); // the offer reached it by polling
  ok(true, "a blocked stream fell back to long polling");
  await ctx.close();
}

// ---- 4. accessibility: axe-core on the host page, a seat, the host's view ----
{
  const page = await newPage({ bypassCSP: true }); // axe is injected inline
  const links = await host(page, "job offer", "saop", 8, { candidate: "person", employer: "person" });
  const targets = [["host", page]];
  const seat = await newPage({ bypassCSP: true });
  await seat.goto(links.candidate);
  await seat.waitForSelector("#send");
  targets.push(["seat", seat]);
  const hv = await newPage({ bypassCSP: true });
  await hv.goto(links.host);
  await hv.waitForSelector("#figure");
  targets.push(["host's view", hv]);
  // a seat after the end: the results and the figure
  const ended = await newPage({ bypassCSP: true });
  await ended.goto(links.employer);
  await ended.waitForSelector("#act");
  await seat.click("#walk");
  await ended.waitForSelector("#results");
  targets.push(["ended seat", ended]);
  for (const [name, pg] of targets) {
    await pg.addScriptTag({ content: readFileSync(axePath, "utf8") });
    const res = await pg.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    const serious = res.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    ok(serious.length === 0, `axe on the ${name} page: ` +
      serious.map((v) => `${v.id} (${v.nodes.length})`).join(", "));
  }
  // keyboard: the form is reachable and submits with the keyboard alone
  const kb = await newPage();
  await kb.goto(base + "/");
  await kb.waitForSelector("#create-button");
  await kb.focus("#create-button");
  await kb.keyboard.press("Enter");
  await kb.waitForSelector("#links a");
  ok((await kb.$$("#links a")).length >= 1, "the form submits from the keyboard");
}

ok(consoleErrors.length === 0, "console errors: " + consoleErrors.join(" | "));
await browser.close();
server.kill("SIGTERM");
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
