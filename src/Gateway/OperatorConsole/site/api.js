// Calls to the gateway's API with the key held in this tab's sessionStorage (never in a URL), and
// the live feed read from a streamed fetch: EventSource cannot send the X-Api-Key header.
"use strict";
const Api = {
  key() { return sessionStorage.getItem("dispatch.key"); },

  /** A refused call: the problem+json's title and detail, ready to show. */
  Problem: class extends Error {
    constructor(status, problem) {
      super([problem.title, problem.detail].filter(Boolean).join(" — ") || `HTTP ${status}`);
      this.status = status;
      this.problem = problem;
    }
  },

  async call(method, path, body, headers = {}) {
    const response = await fetch("/api/v1" + path, {
      method,
      headers: { "X-Api-Key": Api.key(), ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Api.Problem(response.status, data || {});
    return data;
  },

  get(path) { return Api.call("GET", path); },
  post(path, body = {}, headers) { return Api.call("POST", path, body, headers); },
  put(path, body) { return Api.call("PUT", path, body); },

  /**
   * Reads /api/v1/feed until stopped, calling onTransition for every transition and onState with
   * "connected" or "reconnecting". Reconnects after a break.
   */
  feed(onTransition, onState) {
    const stop = new AbortController();
    (async () => {
      while (!stop.signal.aborted) {
        try {
          const response = await fetch("/api/v1/feed", { headers: { "X-Api-Key": Api.key(), Accept: "text/event-stream" }, signal: stop.signal });
          if (!response.ok) throw new Error(`feed ${response.status}`);
          onState("connected");
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = "";
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              let event = "message", data = "";
              for (const line of block.split("\n")) {
                if (line.startsWith("event:")) event = line.slice(6).trim();
                else if (line.startsWith("data:")) data += line.slice(5).trim();
              }
              if (event === "transition" && data) onTransition(JSON.parse(data));
            }
          }
        } catch (error) {
          if (stop.signal.aborted) return;
        }
        onState("reconnecting");
        await new Promise(resolve => setTimeout(resolve, 2000));
      }
    })();
    return () => stop.abort();
  },
};

/** Shows a refusal in the page's alert region (and returns false), or clears it. */
function showProblem(error) {
  const box = document.getElementById("problem");
  if (!error) { box.hidden = true; box.textContent = ""; return true; }
  box.textContent = `${t("problem")}: ${error.message}`;
  box.hidden = false;
  return false;
}

/** Runs an action; a refusal is shown, success clears the alert. */
async function attempt(action) {
  try {
    const result = await action();
    showProblem(null);
    return result;
  } catch (error) {
    showProblem(error);
    return undefined;
  }
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

function formatTime(iso) {
  return iso ? new Date(iso).toLocaleString(language === "zh" ? "zh-CN" : "en-GB", { dateStyle: "short", timeStyle: "medium" }) : "—";
}

/** "in 1 h 05 min" or "overdue by 3 min": deadlines counting down. */
function countdown(iso, now = Date.now()) {
  if (!iso) return "—";
  const left = new Date(iso).getTime() - now;
  const minutes = Math.floor(Math.abs(left) / 60000);
  const text = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min` : `${minutes} min ${String(Math.floor(Math.abs(left) / 1000) % 60).padStart(2, "0")} s`;
  return left < 0 ? `${t("overdueBy")} ${text}` : text;
}

