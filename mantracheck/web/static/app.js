// mantracheck's page: check copy, rank mantras. Plain DOM, no build step, no network but this
// server. User text is only ever set with textContent, never parsed as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
};

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// -- offsets: the server counts code points; JavaScript strings count UTF-16 units --------
function unitsOf(text) {
  const units = [0];
  let at = 0;
  for (const ch of text) { at += ch.length; units.push(at); }
  return units; // code point index -> UTF-16 index
}

function lineStarts(text) {
  // code point offset of each line's start (lines end at \n)
  const starts = [0];
  let i = 0;
  for (const ch of text) { i += 1; if (ch === "\n") starts.push(i); }
  return starts;
}

function spanOf(finding, starts) {
  const start = (starts[finding.line - 1] ?? 0) + finding.column - 1;
  const end = (starts[finding.end_line - 1] ?? 0) + finding.end_column - 1;
  return [start, Math.max(end, start + 1)];
}

// -- tabs -------------------------------------------------------------------------------
function setupTabs() {
  const tabs = [$("tab-check"), $("tab-mantra")];
  const select = (tab) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    }
    tab.focus();
    location.hash = tab.id === "tab-mantra" ? "mantra" : "";
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        select(tabs[(i + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length]);
        event.preventDefault();
      }
    });
  });
  const fromHash = () => { if (location.hash === "#mantra") select(tabs[1]); };
  window.addEventListener("hashchange", fromHash);
  fromHash();
}

// -- check copy -------------------------------------------------------------------------
let lastReport = null;
let lastText = "";
let checkSeq = 0;

async function check() {
  const text = $("text").value;
  const seq = ++checkSeq;
  $("status").textContent = "Checking…";
  try {
    const report = await api("/api/lint", { text, profile: $("profile").value, input_format: $("input-format").value });
    if (seq !== checkSeq) return; // a newer check is under way
    lastReport = report;
    lastText = text;
    render(report, text);
    const n = report.summary.findings;
    $("status").textContent = n ? `${n} finding${n === 1 ? "" : "s"}.` : "No findings.";
  } catch (error) {
    if (seq === checkSeq) $("status").textContent = `Could not check: ${error.message}`;
  }
}

function findingsOf(report) {
  const file = report.files[0] || { findings: [] };
  if (file.error) $("status").textContent = file.error;
  return file.findings;
}

function render(report, text) {
  const findings = findingsOf(report);
  renderHighlights(findings, text);
  renderFindings(findings, text);
  renderScores(report.files[0] && report.files[0].scores);
  $("corrected").value = corrected(findings, text);
}

function renderHighlights(findings, text) {
  const box = $("highlighted");
  box.replaceChildren();
  const units = unitsOf(text);
  const starts = lineStarts(text);
  const spans = findings
    .map((f, i) => [...spanOf(f, starts), i, f])
    .filter(([s, e]) => e <= units.length - 1 || s < units.length - 1)
    .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let at = 0;
  for (const [start, end, i, f] of spans) {
    if (start < at) continue; // overlapping findings: the first is marked, all are listed
    box.append(text.slice(units[at], units[start]));
    const stop = Math.min(end, units.length - 1);
    const mark = el("mark", {
      class: `sev-${f.severity}`,
      tabindex: "0",
      title: `${f.rule}: ${f.message}`,
      "data-finding": String(i),
      onclick: () => focusFinding(i),
      onkeydown: (event) => { if (event.key === "Enter") focusFinding(i); },
    }, text.slice(units[start], units[stop]));
    box.append(mark);
    at = stop;
  }
  box.append(text.slice(units[at] ?? text.length));
  if (!text) box.append(el("span", { class: "hint" }, "Your copy appears here with its findings marked."));
}

function focusFinding(i) {
  const item = $(`finding-${i}`);
  if (item) { item.focus(); item.scrollIntoView({ block: "nearest" }); }
}

function applyFix(finding) {
  const text = $("text").value;
  if (text !== lastText) return check(); // edited since: check again first
  const units = unitsOf(text);
  const { start, end, replacement } = finding.fix;
  $("text").value = text.slice(0, units[start]) + replacement + text.slice(units[end]);
  $("status").textContent = `Applied: ${finding.match} → ${replacement}`;
  return check();
}

function corrected(findings, text) {
  const units = unitsOf(text);
  const fixes = findings.filter((f) => f.fix).map((f) => f.fix).sort((a, b) => b.start - a.start);
  let out = text;
  let floor = Infinity;
  for (const fix of fixes) {
    if (fix.end > floor) continue; // overlapping fixes: the later one waits for the next check
    out = out.slice(0, units[fix.start]) + fix.replacement + out.slice(units[fix.end]);
    floor = fix.start;
  }
  return out;
}

function renderFindings(findings, text) {
  const list = $("findings");
  list.replaceChildren();
  if (!findings.length) list.append(el("li", { class: "empty" }, text ? "Nothing to flag." : "Paste some copy to check it."));
  findings.forEach((f, i) => {
    const explain = el("div", { class: "explain", hidden: "" });
    const buttons = el("div", { class: "actions" });
    const toggle = el("button", { type: "button", "aria-expanded": "false" }, "Explain");
    toggle.addEventListener("click", async () => {
      const open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      explain.hidden = open;
      if (!open && !explain.childElementCount) {
        try {
          const rule = await api(`/api/rules/${encodeURIComponent(f.rule)}`);
          explain.append(el("p", {}, rule.description));
          if (rule.link) explain.append(el("p", {}, el("a", { href: rule.link, rel: "noreferrer" }, "Source")));
        } catch (error) {
          explain.append(el("p", {}, error.message));
        }
      }
    });
    buttons.append(toggle);
    if (f.fix) buttons.append(el("button", { type: "button", class: "fix", onclick: () => applyFix(f) }, `Apply fix: “${f.fix.replacement}”`));
    const suggestions = el("ul", { class: "suggestions" }, ...f.suggestions.map((s) => el("li", {}, s)));
    list.append(el("li", { id: `finding-${i}`, tabindex: "-1", class: `finding sev-${f.severity}` },
      el("div", { class: "finding-head" },
        el("span", { class: `badge sev-${f.severity}` }, f.severity),
        el("code", {}, f.rule),
        el("span", { class: "where" }, `line ${f.line}, column ${f.column}`)),
      el("p", { class: "message" }, f.message),
      suggestions, buttons, explain));
  });
}

function renderScores(scores) {
  const box = $("scores");
  box.replaceChildren();
  if (!scores) { box.append(el("p", { class: "hint" }, "Scores appear after a check.")); return; }
  const part = (title, score, goodHigh) => {
    const meter = el("meter", { min: "0", max: "100", low: "40", high: "70", optimum: goodHigh ? "100" : "0", value: String(score.value) });
    const markers = (score.markers || []).filter((m) => m.weight !== 0);
    return el("div", { class: "score" },
      el("div", { class: "score-head" }, el("strong", {}, title), el("span", { class: "score-value" }, `${score.value}/100`)),
      meter,
      markers.length ? el("ul", { class: "markers" }, ...markers.map((m) => el("li", {}, `${m.name.replaceAll("_", " ")}: “${m.text}”`))) : "",
      score.missing && score.missing.length ? el("p", { class: "missing" }, "Missing: " + score.missing.map((m) => m.name).join(", ")) : "");
  };
  box.append(part("Courtesy", scores.courtesy, true), part("Overpromise risk", scores.overpromise_risk, false));
}

function readFile(file) {
  const name = file.name.toLowerCase();
  const format = name.endsWith(".md") || name.endsWith(".markdown") ? "markdown"
    : name.endsWith(".html") || name.endsWith(".htm") ? "html"
    : name.endsWith(".eml") ? "email" : "text";
  file.text().then((text) => {
    $("text").value = text;
    $("input-format").value = format;
    check();
  });
}

async function copyCorrected() {
  const text = $("corrected").value;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    $("corrected").select();
    document.execCommand("copy");
  }
  $("status").textContent = "Corrected text copied.";
}

// -- mantra workshop --------------------------------------------------------------------
let ranking = [];
let rankSeq = 0;
const SUBSCORES = ["brevity", "simplicity", "memorability", "focus"];

function candidates() {
  return $("candidates").value.split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#"));
}

async function rank() {
  const seq = ++rankSeq;
  const list = candidates();
  $("mantra-status").textContent = list.length ? "Scoring…" : "";
  try {
    const result = list.length ? await api("/api/mantra", { candidates: list }) : [];
    if (seq !== rankSeq) return;
    ranking = result;
    renderRanking(result);
    $("mantra-status").textContent = result.length ? `${result.length} ranked.` : "Type a candidate per line.";
  } catch (error) {
    if (seq === rankSeq) $("mantra-status").textContent = `Could not score: ${error.message}`;
  }
}

function bar(value) {
  return el("div", { class: "bar", role: "img", "aria-label": `${value} of 100` },
    el("span", { class: "bar-fill" }), el("span", { class: "bar-value" }, String(value)));
}

function renderRanking(result) {
  const body = $("ranking").querySelector("tbody");
  body.replaceChildren();
  const details = $("mantra-details");
  details.replaceChildren();
  for (const r of result) {
    const cells = SUBSCORES.map((k) => {
      const b = bar(r.subscores[k]);
      b.firstChild.style.width = `${r.subscores[k]}%`;
      return el("td", {}, b);
    });
    body.append(el("tr", {}, el("td", {}, String(r.rank)), el("th", { scope: "row" }, r.text), el("td", { class: "total" }, String(r.score)), ...cells));
    const facts = [];
    for (const [group, values] of Object.entries(r.plain || r.facts || {})) {
      for (const [key, value] of Object.entries(values || {})) {
        if (value === null || value === "" || (Array.isArray(value) && !value.length)) continue;
        facts.push(el("li", {}, `${group} · ${key.replaceAll("_", " ")}: ${Array.isArray(value) ? value.join(", ") : value}`));
      }
    }
    details.append(el("details", {},
      el("summary", {}, `${r.rank}. ${r.text} (${r.score})`),
      r.suggestions && r.suggestions.length ? el("ul", { class: "suggestions" }, ...r.suggestions.map((s) => el("li", {}, s))) : "",
      el("ul", { class: "facts" }, ...facts)));
  }
}

function csvCell(value) {
  const text = String(value ?? "");
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text; // no formulas when opened in a spreadsheet
  return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function downloadCsv() {
  const rows = [["rank", "score", ...SUBSCORES, "text", "suggestions"]];
  for (const r of ranking) rows.push([r.rank, r.score, ...SUBSCORES.map((k) => r.subscores[k]), r.text, (r.suggestions || []).join(" | ")]);
  const blob = new Blob([rows.map((row) => row.map(csvCell).join(",")).join("\n") + "\n"], { type: "text/csv" });
  const link = el("a", { href: URL.createObjectURL(blob), download: "mantras.csv" });
  document.body.append(link);
  link.click();
  link.remove();
}

// -- start ------------------------------------------------------------------------------
async function start() {
  setupTabs();
  try {
    const info = await api("/api/profiles");
    for (const name of info.profiles) $("profile").append(el("option", { value: name }, name));
    $("profile").value = info.default;
  } catch (error) {
    $("status").textContent = `Could not reach the server: ${error.message}`;
  }
  const autoCheck = debounce(check, 400);
  $("text").addEventListener("input", autoCheck);
  $("check").addEventListener("click", check);
  $("profile").addEventListener("change", check);
  $("input-format").addEventListener("change", check);
  $("copy").addEventListener("click", copyCorrected);
  $("file").addEventListener("change", (event) => { if (event.target.files[0]) readFile(event.target.files[0]); });
  $("text").addEventListener("dragover", (event) => event.preventDefault());
  $("text").addEventListener("drop", (event) => {
    if (event.dataTransfer.files.length) { event.preventDefault(); readFile(event.dataTransfer.files[0]); }
  });
  $("candidates").addEventListener("input", debounce(rank, 300));
  $("rank").addEventListener("click", rank);
  $("csv").addEventListener("click", downloadCsv);
  renderHighlights([], "");
  renderScores(null);
}

document.addEventListener("DOMContentLoaded", start);
