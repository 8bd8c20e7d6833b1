// The sidebar's list of past runs (GET /v1/runs): each opens at #run/ID.

import { getJson } from "./api.js";

function when(created) {
  if (!created) return "";
  const date = new Date(created * 1000);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString();
}

export async function loadRuns(openId) {
  const body = await getJson("v1/runs?limit=50");
  const list = document.getElementById("run-list");
  if (!body.runs.length) {
    const empty = document.createElement("li");
    empty.className = "muted";
    empty.textContent = "No runs yet.";
    list.replaceChildren(empty);
    return;
  }
  list.replaceChildren(...body.runs.map((run) => {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = `#run/${run.id}`;
    link.className = "run-link";
    link.dataset.run = run.id;
    if (run.id === openId) link.setAttribute("aria-current", "page");
    const badge = document.createElement("span");
    badge.className = `badge status-${run.status}`;
    badge.textContent = run.status;
    const request = document.createElement("span");
    request.className = "run-link-request";
    request.textContent = run.request || run.id;
    const time = document.createElement("time");
    time.textContent = when(run.created);
    link.append(badge, request, time);
    li.append(link);
    return li;
  }));
}

export function markOpen(openId) {
  for (const link of document.querySelectorAll("#run-list a.run-link")) {
    if (link.dataset.run === openId) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}
