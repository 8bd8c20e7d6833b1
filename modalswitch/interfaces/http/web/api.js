// Calls to the service that serves this page: JSON, files and the event stream, each with
// the API key when the service asks for one (kept in sessionStorage, for this tab only).

const KEY_NAME = "modalswitch-api-key";
const base = new URL(".", document.baseURI);

export function apiKey() {
  return sessionStorage.getItem(KEY_NAME) || "";
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_NAME, key);
  else sessionStorage.removeItem(KEY_NAME);
}

export function url(path) {
  return new URL(path, base).href;
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function reason(response) {
  try {
    const body = await response.json();
    return typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail ?? body);
  } catch {
    return response.statusText || `HTTP ${response.status}`;
  }
}

export async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  if (apiKey()) headers.set("X-API-Key", apiKey());
  const response = await fetch(url(path), { ...options, headers });
  if (!response.ok) throw new ApiError(response.status, await reason(response));
  return response;
}

export async function getJson(path) {
  return (await api(path)).json();
}

// A URL for <img>, <audio>, <video>, a link or a frame. Those cannot send a header, so
// with a key the file is fetched here and handed over as a blob: URL.
export async function fileUrl(path) {
  if (!apiKey()) return url(path);
  const blob = await (await api(path)).blob();
  return URL.createObjectURL(blob);
}

// Server-sent events read through fetch, because EventSource cannot send the key: calls
// onEvent with each event's parsed data until the service ends the stream.
export async function streamEvents(path, onEvent, signal) {
  const response = await api(path, { signal, headers: { Accept: "text/event-stream" } });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    // lines may end in \r\n, \r or \n; a \r at the very end may be half of a \r\n
    const held = buffer.endsWith("\r") ? "\r" : "";
    buffer = buffer.slice(0, buffer.length - held.length).replace(/\r\n?/g, "\n") + held;
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = block.split("\n").filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).replace(/^ /, "")).join("\n");
      if (data) onEvent(JSON.parse(data));
    }
  }
}
