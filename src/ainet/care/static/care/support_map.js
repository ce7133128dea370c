/* The support map (支え合いマップ): town-block points, people, supporters and ties on a blank
   background (a tile layer only when AINET_MAP_TILE_URL is set). Data comes from the page's
   JSON; nothing is fetched. Markers are keyboard-focusable (Tab, Enter) and named. */
(function () {
  "use strict";
  function init() {
    var holder = document.getElementById("support-map");
    var source = document.getElementById("support-map-data");
    if (!holder || !source || typeof L === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var map = L.map(holder, { keyboard: true, attributionControl: true, zoomSnap: 0.5 });
    if (data.tile_url) {
      L.tileLayer(data.tile_url, { attribution: data.tile_attribution, maxZoom: 19 }).addTo(map);
    }
    var bounds = [];
    data.towns.forEach(function (t) {
      L.circleMarker([t.lat, t.lng], {
        radius: 3, color: "#767676", weight: 1, fillOpacity: 0.6, interactive: false
      }).addTo(map);
      bounds.push([t.lat, t.lng]);
    });
    var people = {};
    var supporters = {};
    function icon(cls) {
      return L.divIcon({ className: "map-marker " + cls, iconSize: [16, 16] });
    }
    function link(url, text) {
      var a = document.createElement("a");
      a.href = url;
      a.textContent = text;
      return a;
    }
    data.people.forEach(function (p) {
      if (p.lat === null || p.lng === null) { return; }
      var title = data.labels.person + ": " + p.name + (p.town ? "（" + p.town + "）" : "");
      var box = document.createElement("div");
      var strong = document.createElement("strong");
      strong.textContent = p.name;
      box.appendChild(strong);
      if (p.address) { box.appendChild(document.createElement("br")); box.appendChild(document.createTextNode(p.address)); }
      if (p.watch_level) { box.appendChild(document.createElement("br")); box.appendChild(document.createTextNode(p.watch_level)); }
      box.appendChild(document.createElement("br"));
      box.appendChild(link(p.url, data.labels.open));
      people[p.id] = [p.lat, p.lng];
      L.marker([p.lat, p.lng], { icon: icon("map-marker--person"), title: title, alt: title, keyboard: true })
        .bindPopup(box).addTo(map);
      bounds.push([p.lat, p.lng]);
    });
    data.supporters.forEach(function (s) {
      if (s.lat === null || s.lng === null) { return; }
      var title = data.labels.supporter + ": " + s.name + "（" + s.kind + "）";
      var box = document.createElement("div");
      box.textContent = title;
      supporters[s.id] = [s.lat, s.lng];
      L.marker([s.lat, s.lng], { icon: icon("map-marker--supporter"), title: title, alt: title, keyboard: true })
        .bindPopup(box).addTo(map);
      bounds.push([s.lat, s.lng]);
    });
    data.ties.forEach(function (t) {
      var a = people[t.person];
      var b = t.supporter !== null ? supporters[t.supporter] : undefined;
      if (!a || !b) { return; }
      L.polyline([a, b], {
        color: t.evacuation ? "#b3261e" : "#0031d8", weight: t.evacuation ? 3 : 2,
        opacity: 0.7, dashArray: t.evacuation ? null : "4 4", interactive: false
      }).addTo(map);
    });
    if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); }
    else { map.setView([35.508, 139.682], 14); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
