// The page's wiring: the request form (files by picker or drop, Ctrl+Enter submits),
// routes (#run/ID, #eval/ID), the sidebar lists and the API key form.

import { ApiError, api, setApiKey } from "./api.js";
import { loadEvals, openEval } from "./evals.js";
import { cancelRun, openRun, stopRun } from "./run.js";
import { loadRuns, markOpen } from "./runs.js";

const $ = (id) => document.getElementById(id);
const pending = [];

function say(text, isError = false) {
  const status = $("form-status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

function showFiles() {
  $("file-list").replaceChildren(...pending.map((file, i) => {
    const li = document.createElement("li");
    li.textContent = `${file.name} (${Math.max(1, Math.round(file.size / 1024))} KB) `;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "small";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove ${file.name}`);
    remove.addEventListener("click", () => {
      pending.splice(i, 1);
      showFiles();
    });
    li.append(remove);
    return li;
  }));
}

function addFiles(files) {
  pending.push(...files);
  showFiles();
}

async function submit(event) {
  event.preventDefault();
  const request = $("request").value.trim();
  if (!request) {
    say("Write a request first.", true);
    $("request").focus();
    return;
  }
  const form = new FormData();
  form.append("request", request);
  for (const file of pending) form.append("files", file, file.name);
  $("submit").disabled = true;
  say("Sending…");
  try {
    const run = await (await api("v1/runs", { method: "POST", body: form })).json();
    pending.length = 0;
    showFiles();
    $("request").value = "";
    say(`Sent as run ${run.id}.`);
    location.hash = `#run/${run.id}`;
    refreshRuns();
  } catch (err) {
    say(err instanceof ApiError ? `Not sent (${err.status}): ${err.message}` : String(err), true);
    if (err.status === 401) $("key-form").hidden = false;
  } finally {
    $("submit").disabled = false;
  }
}

function openId() {
  const [kind, id] = location.hash.slice(1).split("/");
  return kind === "run" ? id : null;
}

async function refreshRuns() {
  try {
    await loadRuns(openId());
  } catch (err) {
    if (err.status === 401) $("key-form").hidden = false;
    $("run-list").replaceChildren(Object.assign(document.createElement("li"),
      { className: "error", textContent: `Runs unavailable: ${err.message}` }));
  }
}

async function refreshEvals() {
  try {
    await loadEvals();
  } catch (err) {
    if (err.status === 401) $("key-form").hidden = false;
  }
}

function route() {
  const [kind, id] = location.hash.slice(1).split("/");
  markOpen(kind === "run" ? id : null);
  if (kind === "run" && id) openRun(id, refreshRuns);
  else if (kind === "eval" && id) {
    stopRun();
    openEval(id).catch((err) => {
      if (err.status === 401) $("key-form").hidden = false;
      $("eval-body").replaceChildren(Object.assign(document.createElement("p"),
        { className: "error", textContent: `Eval unavailable: ${err.message}` }));
    });
  } else {
    stopRun();
    $("eval-view").hidden = true;
  }
}

function dropTarget(zone) {
  const over = (e) => {
    if (![...(e.dataTransfer?.types || [])].includes("Files")) return;
    e.preventDefault();
    zone.classList.add("dragging");
  };
  // a file dropped anywhere on the page is attached, not opened in place of the page
  window.addEventListener("dragover", over);
  window.addEventListener("dragleave", (e) => {
    if (!e.relatedTarget) zone.classList.remove("dragging");
  });
  window.addEventListener("drop", (e) => {
    if (!e.dataTransfer?.files?.length) return;
    e.preventDefault();
    zone.classList.remove("dragging");
    addFiles([...e.dataTransfer.files]);
  });
}

$("request-form").addEventListener("submit", submit);
$("request").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    $("request-form").requestSubmit();
  }
});
$("files").addEventListener("change", (e) => {
  addFiles([...e.target.files]);
  e.target.value = "";
});
dropTarget($("drop-zone"));
$("runs-refresh").addEventListener("click", refreshRuns);
$("run-cancel").addEventListener("click", () => cancelRun().catch((err) => say(err.message, true)));
$("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  setApiKey($("api-key").value.trim());
  $("key-form").hidden = true;
  refreshRuns();
  refreshEvals();
  route();
});
window.addEventListener("hashchange", route);
refreshRuns();
refreshEvals();
route();
