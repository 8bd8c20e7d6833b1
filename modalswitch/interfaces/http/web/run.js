// One run on the page: its plan graph, each step's state, the events as they come, and the
// response with its media. States come from the service's fold of the trace (/summary), the
// one fold the terminal views use; events only say when to ask for it again.

import { ApiError, api, apiKey, fileUrl, getJson, streamEvents, url } from "./api.js";
import { STATE_LABELS, drawPlan } from "./graph.js";
import { basename, eventItem, seconds } from "./events.js";

const FINAL = new Set(["ok", "partial", "failed", "cancelled"]);
const STEP_EVENTS = new Set(["step_start", "step_end", "cache_hit", "retry", "step_progress",
                             "plan_ready", "run_end"]);
const $ = (id) => document.getElementById(id);
let current = null;

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function showStatus(status) {
  const badge = $("run-status");
  badge.textContent = status;
  badge.className = `badge status-${status}`;
  $("run-cancel").hidden = FINAL.has(status);
}

function reset(id) {
  $("run-view").hidden = false;
  $("eval-view").hidden = true;
  $("run-title").textContent = `Run ${id}`;
  $("run-request").textContent = "";
  $("run-duration").textContent = "";
  $("run-trace").href = url(`v1/runs/${id}/trace`);
  $("plan-graph").replaceChildren(make("p", "muted", "Waiting for the plan…"));
  $("step-table").tBodies[0].replaceChildren();
  $("event-log").replaceChildren();
  $("response").replaceChildren(make("p", "muted", "Not finished yet."));
  showStatus("queued");
}

// A link cannot send the key: with one, fetch the trace as it is now and save that.
$("run-trace").addEventListener("click", async (event) => {
  if (!apiKey() || !current) return;
  event.preventDefault();
  const save = make("a");
  save.href = await fileUrl(`v1/runs/${current.id}/trace`);
  save.download = "trace.jsonl";
  save.click();
});

export function stopRun() {
  if (current) current.abort.abort();
  current = null;
  $("run-view").hidden = true;
}

// Open a run (live or finished): stream its events, fold, then show its response.
export async function openRun(id, onFinish) {
  if (current) current.abort.abort();
  const run = { id, abort: new AbortController(), graph: null, inputs: [], start: null,
                asked: 0, shown: 0, busy: false, again: false, final: false };
  current = run;
  reset(id);
  const live = () => current === run;
  try {
    const record = await getJson(`v1/runs/${id}`);
    if (!live()) return;
    $("run-request").textContent = record.request || "";
    showStatus(record.status);
    await streamEvents(`v1/runs/${id}/events`, (event) => onEvent(run, event), run.abort.signal);
    if (!live()) return;
    await refresh(run);
    const done = await finalRecord(run);
    if (done && live()) await showResponse(run, done);
    if (onFinish) onFinish();
  } catch (err) {
    if (err.name === "AbortError" || !live()) return;
    $("response").replaceChildren(make("p", "error", err instanceof ApiError
      ? `${err.status}: ${err.message}` : String(err)));
  }
}

// Ask the service to stop the open run; its event stream then tells how it ended.
export async function cancelRun() {
  if (!current) return;
  $("run-cancel").disabled = true;
  try {
    await api(`v1/runs/${current.id}`, { method: "DELETE" });
  } finally {
    $("run-cancel").disabled = false;
  }
}

function onEvent(run, event) {
  if (current !== run) return;
  run.start ??= event.ts;
  const log = $("event-log");
  log.append(eventItem(event, run.start));
  if (event.type === "run_start") run.inputs = event.inputs.map((i) => basename(i.path));
  if (event.type === "plan_ready") {
    run.graph = drawPlan($("plan-graph"), event.plan, run.inputs, event.output_modalities);
  }
  if (event.type === "run_end") $("run-duration").textContent = seconds(event.duration_s);
  if (STEP_EVENTS.has(event.type)) askAgain(run);
}

// Ask for the fold again; while a request is out, remember to ask once more after it.
async function askAgain(run) {
  if (run.busy) {
    run.again = true;
    return;
  }
  run.busy = true;
  try {
    do {
      run.again = false;
      await refresh(run);
    } while (run.again && current === run);
  } catch (err) {
    if (err.name !== "AbortError") console.warn("summary", err);
  } finally {
    run.busy = false;
  }
}

async function refresh(run) {
  const asked = ++run.asked;
  const summary = await getJson(`v1/runs/${run.id}/summary`);
  if (current !== run || asked < run.shown) return; // an older answer arriving late
  run.shown = asked;
  const steps = summary.steps || [];
  if (run.graph) for (const step of steps.filter((s) => !s.parent)) run.graph.setStep(step.id, step);
  showSteps(steps);
  // the trace's word until the service's record is final (a cancelled run ends "partial")
  if (summary.status !== "unfinished" && !run.final) showStatus(summary.status);
}

function showSteps(steps) {
  const rows = steps.map((step) => {
    const tr = make("tr", `state-${step.status}`);
    tr.dataset.step = step.id;
    const notes = [];
    if (step.cached) notes.push("from the cache");
    for (const r of step.retries) notes.push(`retry after: ${r.error}`);
    if (step.progress) notes.push(`${Math.round(step.progress[0] * 100)}% ${step.progress[1]}`);
    if (step.error) notes.push(`${step.error_type ? `${step.error_type}: ` : ""}${step.error}`);
    const name = make("th", step.parent ? "sub" : "", step.parent ? `↳ ${step.id}` : step.id);
    name.scope = "row";
    tr.append(name, make("td", "", step.tool),
              make("td", "state", STATE_LABELS[step.status] || step.status),
              make("td", "num", step.duration_s == null ? "" : seconds(step.duration_s)),
              make("td", "num", String(step.attempts || "")),
              make("td", step.error ? "error" : "", notes.join("; ")));
    return tr;
  });
  $("step-table").tBodies[0].replaceChildren(...rows);
}

// The run record once the service has marked it finished (its response.json is then there).
async function finalRecord(run) {
  for (let wait = 25; current === run; wait = Math.min(wait * 2, 500)) {
    const record = await getJson(`v1/runs/${run.id}`);
    if (FINAL.has(record.status)) {
      run.final = true;
      showStatus(record.status);
      return record;
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return null;
}

async function mediaFigure(run, artifact) {
  const name = basename(artifact.path);
  const src = await fileUrl(`v1/runs/${run.id}/artifacts/${encodeURIComponent(name)}`);
  const figure = make("figure", `artifact ${artifact.modality}`);
  let player;
  if (artifact.modality === "image") {
    player = make("img");
    player.alt = `${artifact.modality} from ${artifact.step || "the run"}: ${name}`;
  } else if (artifact.modality === "audio" || artifact.modality === "video") {
    player = make(artifact.modality);
    player.controls = true;
    player.preload = "metadata";
  } else {
    player = make("a", "", name);
    player.href = src;
  }
  if (player.tagName !== "A") player.src = src;
  const caption = make("figcaption", "", `${name} · ${artifact.mime}`);
  const save = make("a", "", "download");
  save.href = src;
  save.download = name;
  caption.append(" · ", save);
  figure.append(player, caption);
  return figure;
}

async function showResponse(run, record) {
  const box = $("response");
  const response = record.response;
  if (!response) {
    box.replaceChildren(make("p", "error", record.error || `The run ended ${record.status}.`));
    return;
  }
  const parts = [];
  if (response.text) parts.push(make("p", "answer", response.text));
  for (const artifact of response.artifacts || []) parts.push(await mediaFigure(run, artifact));
  if ((response.failures || []).length) {
    const list = make("ul", "failures");
    for (const f of response.failures) {
      list.append(make("li", "error", `${f.step} (${f.tool}) ${f.error_type}: ${f.message}`));
    }
    parts.push(make("h4", "", "What failed"), list);
  }
  if (!parts.length) parts.push(make("p", "muted", "The response is empty."));
  if (current === run) box.replaceChildren(...parts);
}
