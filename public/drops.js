// Drops with JavaScript: the countdown to an opening, and the waiting
// room's position, polled with the room's signed ticket (no session, no
// page render) and announced in the room's polite live region. Without
// JavaScript the server-rendered page is right at every load, and the room
// refreshes itself. Pages swapped in by navigation.js are picked up too:
// the script looks for its elements every second.
(() => {
  "use strict";

  const POLL_MS = 2000;
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

  async function poll(status) {
    polling = true;
    try {
      const url = "/drops/position?ticket=" + encodeURIComponent(status.dataset.roomTicket);
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (!response.ok) return;
      const position = await response.json();
      if (position.reload && position.state !== status.dataset.state) {
        location.reload();
        return;
      }
      if (status.textContent !== position.text) status.textContent = position.text;
      status.dataset.state = position.state;
    } catch (_) {
      // The next poll tries again.
    } finally {
      polling = false;
    }
  }

  function tick() {
    for (const element of document.querySelectorAll("[data-countdown]")) countdown(element);
    const status = document.querySelector("[data-room-ticket]");
    if (status && !polling && Date.now() - lastPoll >= POLL_MS) {
      lastPoll = Date.now();
      poll(status);
    }
  }

  tick();
  setInterval(tick, 1000);
})();
