/* The reusable ainet map (core/templates/core/_map.html): Leaflet from vendored files, areas
   as GeoJSON, one marker layer per group, filters shared with the list. Tiles only when a tile
   URL is configured, so the map works offline. */
(function () {
  "use strict";

  function text(tag, value, className) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (className) { el.className = className; }
    return el;
  }

  function popup(item, layer) {
    var box = document.createElement("div");
    box.appendChild(text("strong", item.name));
    box.appendChild(text("div", layer.label));
    if (item.address) { box.appendChild(text("div", item.address)); }
    if (item.when) { box.appendChild(text("div", item.when)); }
    if (item.note) { box.appendChild(text("div", item.note)); }
    if (item.url) {
      var a = text("a", item.url);
      a.href = item.url;
      box.appendChild(a);
    }
    return box;
  }

  function init(el) {
    var source = document.getElementById(el.getAttribute("data-map-config"));
    if (!source || typeof L === "undefined") { return; }
    var cfg = JSON.parse(source.textContent);
    var map = L.map(el, { keyboard: true, zoomSnap: 0.25, attributionControl: Boolean(cfg.tileUrl) });
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution, maxZoom: 19 }).addTo(map);
    }
    var areas = L.geoJSON(cfg.areas, {
      style: function (feature) {
        var ward = feature.properties.level === "ward";
        return { color: ward ? "#1a1a1a" : "#0050b3", weight: ward ? 2 : 1,
                 dashArray: "4 4", fillOpacity: ward ? 0.02 : 0.06 };
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindTooltip(p.name + " (" + cfg.labels.approximate + ")", { sticky: true });
      }
    }).addTo(map);
    var groups = {};
    var bounds = areas.getBounds();
    cfg.layers.forEach(function (layer) {
      var group = L.layerGroup();
      layer.items.forEach(function (item) {
        if (item.lat === null || item.lng === null) { return; }
        var icon = L.divIcon({
          className: "ainet-map-marker",
          html: '<span class="ainet-map-marker__dot" style="background:' + layer.colour + '">' +
                layer.symbol + "</span>",
          iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10]
        });
        var marker = L.marker([item.lat, item.lng], {
          icon: icon, title: item.name + " — " + layer.label, alt: item.name, keyboard: true
        });
        marker.bindPopup(popup(item, layer));
        group.addLayer(marker);
        if (!bounds.isValid()) { bounds = L.latLngBounds([item.lat, item.lng], [item.lat, item.lng]); }
      });
      group.addTo(map);
      groups[layer.key] = group;
    });
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); }
    else { map.setView([35.68, 139.76], 10); }

    var filters = document.querySelector('[data-map-filter="' + el.id + '"]');
    if (filters) {
      filters.addEventListener("change", function (event) {
        var box = event.target;
        if (!box || box.name !== "layer") { return; }
        var group = groups[box.value];
        if (group) { if (box.checked) { group.addTo(map); } else { map.removeLayer(group); } }
        document.querySelectorAll('.map-list__layer[data-layer="' + box.value + '"]').forEach(
          function (section) { section.hidden = !box.checked; });
      });
    }
  }

  function start() {
    document.querySelectorAll("[data-map-config]").forEach(init);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
}());
