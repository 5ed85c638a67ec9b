// Live pages with JavaScript: drop countdowns, stock that falls as units
// sell, and the waiting room's position. Stock and rooms arrive over one
// Server-Sent Events stream (`/live`), fed by the instance's single
// PostgreSQL listener: the page only listens. Should the stream be
// refused or unavailable, the room falls back to polling its signed
// ticket (no session, no render). Without JavaScript every page is right
// at every load and the room refreshes itself. Pages swapped in by
// navigation.js are picked up too: the script looks at its elements every
// second and reconnects when what the page shows has changed.
(() => {
  "use strict";

  const POLL_MS = 2000;
  let source = null;
  let watching = "";
  let streamed = false;
  let lastPoll = 0;
  let polling = false;

  function countdown(element) {
    const opens = Date.parse(element.dataset.countdown);
    if (Number.isNaN(opens)) return;
    let left = Math.max(0, Math.floor((opens - Date.now()) / 1000));
    const days = Math.floor(left / 86400);
    left -= days * 86400;
    const hours = Math.floor(left / 3600);
    left -= hours * 3600;
    const minutes = Math.floor(left / 60);
    const seconds = left - minutes * 60;
    const parts = [];
    if (days) parts.push(days + (document.documentElement.lang === "en" ? " d" : " j"));
    if (days || hours) parts.push(hours + " h");
    parts.push(String(minutes).padStart(2, "0") + " min");
    parts.push(String(seconds).padStart(2, "0") + " s");
    element.textContent = "(" + element.dataset.label + " " + parts.join(" ") + ")";
    if (opens <= Date.now() && !element.dataset.reloaded) {
      element.dataset.reloaded = "1";
      // The page as the server renders it once the drop is open.
      setTimeout(() => location.reload(), 1500);
    }
  }

  function showRoom(status, position) {
    if (position.reload && position.state !== status.dataset.state) {
      location.reload();
      return;
    }
    // The live region announces the new text, and only a change.
    if (status.textContent !== position.text) status.textContent = position.text;
    status.dataset.state = position.state;
  }

  function showStock(change) {
    for (const badge of document.querySelectorAll('[data-live-stock="' + change.id + '"]')) {
      if (badge.textContent !== change.text) badge.textContent = change.text;
      badge.className = "stock stock--" + change.level;
    }
  }

  async function poll(status) {
    polling = true;
    try {
      const url = "/drops/position?ticket=" + encodeURIComponent(status.dataset.roomTicket);
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (response.ok) showRoom(status, await response.json());
      // Refused for now: wait as long as the shop asks before the next poll.
      const wait = Number(response.headers.get("Retry-After"));
      if (response.status === 429 && wait > 0) lastPoll = Date.now() + wait * 1000 - POLL_MS;
    } catch (_) {
      // The next poll tries again.
    } finally {
      polling = false;
    }
  }

  // What this page follows, as the stream's query.
  function wanted() {
    const ids = new Set();
    for (const badge of document.querySelectorAll("[data-live-stock]")) ids.add(badge.dataset.liveStock);
    const query = [];
    if (ids.size) query.push("p=" + [...ids].slice(0, 50).join(","));
    const status = document.querySelector("[data-room-ticket]");
    if (status) query.push("ticket=" + encodeURIComponent(status.dataset.roomTicket));
    return query.join("&");
  }

  function follow() {
    const query = wanted();
    if (query === watching) return;
    watching = query;
    streamed = false;
    if (source) source.close();
    source = null;
    if (!query || !("EventSource" in window)) return;
    source = new EventSource("/live?" + query);
    source.onopen = () => { streamed = true; };
    // The browser reconnects by itself; meanwhile the room polls.
    source.onerror = () => { streamed = false; };
    source.addEventListener("stock", (event) => showStock(JSON.parse(event.data)));
    source.addEventListener("room", (event) => {
      streamed = true;
      const status = document.querySelector("[data-room-ticket]");
      if (status) showRoom(status, JSON.parse(event.data));
    });
  }

  function tick() {
    for (const element of document.querySelectorAll("[data-countdown]")) countdown(element);
    follow();
    const status = document.querySelector("[data-room-ticket]");
    if (status && !streamed && !polling && Date.now() - lastPoll >= POLL_MS) {
      lastPoll = Date.now();
      poll(status);
    }
  }

  tick();
  setInterval(tick, 1000);
})();
