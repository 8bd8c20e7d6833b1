// One line of words for each trace event (agent/trace/events.py), for the event list.

const seconds = (s) => (s == null ? "" : `${Number(s).toFixed(2)} s`);
const quote = (text, max = 120) => `“${text.length > max ? `${text.slice(0, max - 1)}…` : text}”`;
const basename = (path) => String(path).split(/[\\/]/).pop();

const DESCRIBE = {
  run_start: (e) => `${quote(e.request)}${e.inputs.length ? `, inputs: ${e.inputs.map((i) => basename(i.path)).join(", ")}` : ""}${e.planner ? ` (planner ${e.planner})` : ""}`,
  route: (e) => `${e.needs_tool ? "needs a tool" : "no tool"}: P=${e.p_tool.toFixed(2)}, threshold ${e.threshold.toFixed(2)}${e.tools.length ? `; offers ${e.tools.join(", ")}` : ""}`,
  plan_attempt: (e) => `attempt ${e.attempt}: ${e.prompt_tokens}+${e.completion_tokens} tokens, ${seconds(e.duration_s)}${e.issues.length ? `; issues: ${e.issues.join("; ")}` : ""}`,
  plan_ready: (e) => `${(e.plan.steps || []).length} step(s) → ${e.output_modalities.join(" + ") || "text"}${e.attempts > 1 ? ` after ${e.attempts} attempts` : ""}`,
  step_start: (e) => `${e.tool}${e.attempt > 1 ? `, attempt ${e.attempt}` : ""}`,
  cache_hit: (e) => `${e.tool}: from the step cache`,
  retry: (e) => `${e.tool}: attempt ${e.attempt} failed (${e.error}); again in ${seconds(e.delay_s)}`,
  step_progress: (e) => `${Math.round(e.fraction * 100)}%${e.message ? ` ${e.message}` : ""}`,
  step_end: (e) => `${e.tool} ${e.status} in ${seconds(e.duration_s)}${e.error ? `: ${e.error}` : ""}`,
  error: (e) => `${e.error_type}: ${e.message}`,
  response: (e) => `${e.text ? quote(e.text, 80) : "no text"}, ${e.artifacts.length} artifact(s)${e.failures.length ? `, ${e.failures.length} failure(s)` : ""}`,
  run_end: (e) => `${e.status} in ${seconds(e.duration_s)}${e.note ? ` (${e.note})` : ""}`,
};

export function describeEvent(event) {
  const describe = DESCRIBE[event.type];
  return describe ? describe(event) : JSON.stringify(event);
}

// A list item: time since the run began, the kind, the span and the words.
export function eventItem(event, start) {
  const li = document.createElement("li");
  li.className = `event ev-${event.type}${event.status ? ` ${event.status}` : ""}`;
  const time = document.createElement("time");
  time.textContent = `+${Math.max(0, event.ts - start).toFixed(3)} s`;
  const kind = document.createElement("span");
  kind.className = "ev-kind";
  kind.textContent = event.type;
  const span = document.createElement("span");
  span.className = "ev-span";
  span.textContent = event.span && event.span !== "run" ? event.span : "";
  const text = document.createElement("span");
  text.className = "ev-text";
  text.textContent = describeEvent(event);
  li.append(time, kind, span, text);
  return li;
}

export { basename, seconds };
