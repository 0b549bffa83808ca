// Follows a run on its page over a WebSocket: log lines are appended as the run writes them,
// and the state as it changes; when the run ends (or waits for a person) the page reloads to
// show the outcome and the buttons that now apply. Without JavaScript the page reloads itself.
"use strict";

const log = document.getElementById("log");
const state = document.getElementById("run-state");
const final = new Set(["applied", "planned_and_finished", "errored", "discarded", "canceled"]);

if (log && log.dataset.live) {
  const url = new URL(log.dataset.live, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("after", log.dataset.after || "0");
  const shown = state ? state.textContent : "";
  let received = 0;
  const socket = new WebSocket(url);
  // The server closes a finished stream only once the client says it is listening.
  socket.addEventListener("open", () => socket.send(JSON.stringify({ type: "ready" })));
  socket.addEventListener("message", event => {
    const message = JSON.parse(event.data);
    log.dataset.received = String(++received);
    if (message.event === "line") {
      log.append(message.data.text + "\n");
      log.scrollTop = log.scrollHeight;
    } else if (message.event === "state" && state) {
      const now = message.data.state;
      const waits = now === "needs_approval" || now === "policy_override";
      // The reloaded page shows the state; showing it here first would let a reader take the
      // old page, about to go, for the new one.
      if (now !== shown && (final.has(now) || waits)) return location.reload();
      state.textContent = now;
      state.className = "state " + now;
    }
  });
  socket.addEventListener("close", event => {
    if (event.code !== 1000) log.append(`(the live log stopped: ${event.reason || "connection closed"}; reload to see more)\n`);
  });
}
