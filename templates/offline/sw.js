// The club's service worker (our own, small): "Mon club", the card, the open vouchers and the tickets stay
// readable without signal in the galleries. Those pages are fetched from the network first and
// kept for when there is none; nothing else is cached except the style sheet, script and logo
// they need. Logging out empties the cache (static/js/club.js).
"use strict";
const CACHE = "club-offline-v1";
const PAGES = [
  /^\/mon-club\/$/, /^\/mon-club\/carte\/$/, /^\/mon-club\/bons\/$/, /^\/mon-club\/bons\/[0-9A-Z-]+\/$/,
  /^\/activites\/billets\/$/, /^\/activites\/billets\/[0-9A-Z-]+\/$/,
];
const ASSETS = {{ assets|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (!PAGES.some((page) => page.test(url.pathname))) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() =>
        caches.match(request).then(
          (hit) => hit || new Response("{{ offline_message|escapejs }}", {status: 503, headers: {"Content-Type": "text/plain; charset=utf-8"}})
        )
      )
  );
});
