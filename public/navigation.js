// WonderMarket's navigation with JavaScript. Every page is rendered by the
// server; with this script, following a link or sending a form of the shop
// fetches the next page and swaps it into the current one (no full reload),
// then hydrates the new page's islands. Whatever it does not handle (another
// site, a file upload, a download, a failed fetch) the browser does as usual,
// as it does everything when JavaScript is off.
(() => {
  "use strict";

  // Only the latest navigation lands: a click during a fetch supersedes it.
  let latest = 0;

  // What a page carries in its <head> for itself; the rest (styles, the
  // islands loader) stays.
  const PAGE_HEAD = [
    "title",
    "meta[name=description]",
    "meta[name=robots]",
    "meta[property]",
    "meta[name^='twitter:']",
    "link[rel=canonical]",
    "link[rel=alternate]",
    "script[type='application/ld+json']",
  ].join(",");

  // The back office is plain server pages (no script): the browser loads
  // them, and leaves them, as it does without JavaScript.
  function backOffice(path) {
    return path === "/admin" || path.startsWith("/admin/");
  }

  function ours(url) {
    return url.origin === location.origin && !backOffice(url.pathname) && !backOffice(location.pathname);
  }

  function linkRequest(event) {
    if (event.defaultPrevented || event.button !== 0) return null;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || link.target || link.hasAttribute("download")) return null;
    if ((link.getAttribute("rel") || "").split(/\s+/).includes("external")) return null;
    const url = new URL(link.href, location.href);
    if (!ours(url)) return null;
    // A jump within this page ("Skip to content").
    if (url.hash && url.pathname === location.pathname && url.search === location.search) return null;
    return new Request(url, { headers: { Accept: "text/html" } });
  }

  function formRequest(event) {
    const form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return null;
    const submitter = event.submitter;
    const method = (submitter?.getAttribute("formmethod") || form.method || "get").toUpperCase();
    const url = new URL(submitter?.getAttribute("formaction") || form.action, location.href);
    if (!ours(url) || form.target || form.enctype === "multipart/form-data") return null;
    if (method !== "GET" && method !== "POST") return null;
    const data = new URLSearchParams(new FormData(form, submitter));
    if (method === "GET") {
      url.search = data.toString();
      return new Request(url, { headers: { Accept: "text/html" } });
    }
    return new Request(url, { method, body: data, headers: { Accept: "text/html" } });
  }

  function swapHead(next) {
    for (const element of document.head.querySelectorAll(PAGE_HEAD)) element.remove();
    for (const element of next.head.querySelectorAll(PAGE_HEAD)) document.head.append(element);
  }

  function hydrateIslands() {
    // Before the islands' code has loaded, its loader hydrates whatever page
    // is there when it runs; after, the new islands are hydrated here.
    if (!document.body.hasAttribute("data-hydrated") || !window.__hydrateIsland) return;
    for (const island of document.body.querySelectorAll("leptos-island")) {
      window.__hydrateIsland(island, island.dataset.component);
    }
  }

  // Puts the shopper where the new page should be read from: the scroll
  // position asked for, the fragment, or the top of a new page (whose main
  // region then takes the focus); a form that stays in place (the variant
  // picker) gives the focus back to the field it had.
  function place(url, samePage, scroll, focus) {
    const field = focus ? document.getElementById(focus) : null;
    if (field) {
      window.scrollTo(0, scroll ?? 0);
      field.focus({ preventScroll: true });
      return;
    }
    if (scroll !== undefined) {
      window.scrollTo(0, scroll);
    } else if (url.hash && document.getElementById(decodeURIComponent(url.hash.slice(1)))) {
      document.getElementById(decodeURIComponent(url.hash.slice(1))).scrollIntoView();
    } else if (!samePage) {
      window.scrollTo(0, 0);
    }
    if (!samePage) {
      // Tell assistive technology that a new page is there.
      const main = document.getElementById("main");
      if (main) {
        main.setAttribute("tabindex", "-1");
        main.focus({ preventScroll: true });
      }
    }
  }

  async function navigate(request, { push = true, scroll, focus } = {}) {
    const ticket = ++latest;
    const from = new URL(location.href);
    document.documentElement.setAttribute("aria-busy", "true");
    let response, html;
    try {
      response = await fetch(request);
      html = (response.headers.get("content-type") || "").includes("text/html") ? await response.text() : null;
    } catch {
      response = null;
    }
    if (ticket !== latest) return;
    document.documentElement.removeAttribute("aria-busy");
    // A redirect into the back office (after logging in): a page load.
    if (!response || html === null || backOffice(new URL(response.url).pathname)) {
      // Not a page of the shop (a file, a failure): let the browser go.
      location.assign(response ? response.url : request.url);
      return;
    }
    const next = new DOMParser().parseFromString(html, "text/html");
    // A form's answer is the page it was redirected to; without a redirect
    // (an error page), the address stays where the shopper was.
    const url = new URL(request.method === "GET" || response.redirected ? response.url : location.href);
    // A redirect back to the form may end in a bare "?": the same address.
    if (!url.search) url.search = "";
    const samePage = url.pathname === from.pathname && url.search === from.search;
    if (push) {
      history.replaceState({ scroll: window.scrollY }, "");
      if (url.href !== location.href) history.pushState({}, "", url);
    }
    document.documentElement.lang = next.documentElement.lang;
    swapHead(next);
    document.body.replaceChildren(...next.body.childNodes);
    onScreen = shown();
    hydrateIslands();
    place(url, samePage && push, scroll, focus);
  }

  document.addEventListener("click", (event) => {
    const request = linkRequest(event);
    if (!request) return;
    event.preventDefault();
    navigate(request);
  });

  document.addEventListener("submit", (event) => {
    const request = formRequest(event);
    if (!request) return;
    event.preventDefault();
    const form = event.target;
    form.setAttribute("aria-busy", "true");
    // A form marked to stay in place (choosing a variant) updates the page
    // under the shopper: same scroll position, same focused field.
    if (form.hasAttribute("data-stay")) {
      const active = document.activeElement;
      const focus = active && form.contains(active) && active.id ? active.id : undefined;
      navigate(request, { scroll: window.scrollY, focus });
    } else {
      navigate(request);
    }
  });

  // The address of the page on screen, fragment aside.
  const shown = () => {
    const url = new URL(location.href);
    url.hash = "";
    return url.href;
  };
  let onScreen = shown();

  window.addEventListener("popstate", (event) => {
    // A jump within the page (a thumbnail's "#photo-2", the skip link, or
    // back from one) is the browser's: the page on screen stays.
    if (shown() === onScreen) return;
    navigate(new Request(location.href, { headers: { Accept: "text/html" } }), {
      push: false,
      scroll: event.state?.scroll ?? 0,
    });
  });

  // The scroll position is restored by `navigate` on back and forward.
  history.scrollRestoration = "manual";
})();
