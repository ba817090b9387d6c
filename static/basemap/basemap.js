/* conflictmap's offline basemap: draws the files beside this one (see PROVENANCE.md) on a Leaflet map.
 *
 * The map script calls conflictmapBasemap(map, options) (conflictmap/maps/basemap.py writes the call);
 * this file and the data it fetches are static and cached by the browser, so only the options travel
 * with the map on every Streamlit rerun. Lines are drawn on canvas (one path per layer), labels are
 * DOM text placed most important first, skipping any that would overlap one already placed.
 *
 * Panes (z-index): outlines 210 (countries, SVG), cm-lines 260 (borders, admin lines, rivers, lakes),
 * Leaflet's overlayPane 400 (event cells, a choropleth), markerPane 600 (events), cm-labels 650.
 */
(function () {
  "use strict";

  var LAND = "#f4f1ea";
  var WATER = "#d6e6f0";
  var STYLES = {
    world: {color: "#9c9496", weight: 0.8},
    borders: {color: "#7b6f80", weight: 1.5},
    disputed: {color: "#7b6f80", weight: 1.3, dashArray: "5 4"},
    coast: {color: "#9db4c6", weight: 0.8},
    provinces: {color: "#bdb3a8", weight: 0.8},
    governorates: {color: "#9b8b7a", weight: 1.2},
    districts: {color: "#b9ab9c", weight: 0.8, dashArray: "4 3"},
    subdistricts: {color: "#cbbfb2", weight: 0.7, dashArray: "1 3"},
    rivers: {color: "#8dbad8", weight: 1.4},
    lakes: {color: "#9db4c6", weight: 0.6, fill: true, fillColor: WATER, fillOpacity: 1}
  };
  // Drawn bottom to top; the first group is always on, the others are in the layer control.
  var ORDER = ["lakes", "rivers", "coast", "world", "subdistricts", "districts", "provinces", "governorates",
               "disputed", "borders"];
  var GROUP = {subdistricts: "admin", districts: "admin", provinces: "admin", governorates: "admin",
               lakes: "water", rivers: "water"};
  var FONTS = {  // CSS in basemap.css; the same here to measure the text before placing it
    capital: "700 14px", city: "600 13px", town: "12px", village: "11px",
    admin1: "600 11px", admin2: "italic 11px", water: "italic 12px"
  };
  var SPACING = {admin1: 1.5};  // letter-spacing, px per character
  var POINT_KINDS = {capital: true, city: true, town: true, village: true};
  var MAX_LABELS = 200;
  // Natural Earth's 1:10m rivers are off by up to a kilometre or so: beyond this zoom they would put a
  // place on the wrong bank (Baghdad's Karrada), so they are not drawn.
  var RIVERS_MAX_ZOOM = 12;

  function widthFor(zoom, name) {
    var base = STYLES[name].weight;
    if (name === "governorates" || name === "borders") { return base + (zoom >= 8 ? 0.6 : 0) + (zoom >= 11 ? 0.6 : 0); }
    return base + (zoom >= 10 ? 0.3 : 0);
  }

  function decode(line, scale) {
    var points = new Array(line.length / 2), x = 0, y = 0;
    for (var i = 0; i < line.length; i += 2) {
      x += line[i];
      y += line[i + 1];
      points[i / 2] = [y / scale, x / scale];
    }
    return points;
  }

  function load(cache, url) {  // `cache` starts with the files the map script fetched (basemap.py)
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (response) {
        if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
        return response.json();
      });
    }
    return cache[url];
  }

  function mark(name) {  // performance marks, read by `python -m conflictmap bench browser`
    if (window.performance && performance.mark) { performance.mark("cm-" + name); }
  }
  function painted(name) {  // marked once the next frame is painted
    requestAnimationFrame(function () { setTimeout(function () { mark(name); }, 0); });
  }

  window.conflictmapBasemap = function (map, options, prefetched) {
    mark("basemap-start");
    var container = map.getContainer();
    var cache = L.extend({}, prefetched || {});
    var canvasFont = document.createElement("canvas").getContext("2d");
    ["outlines", "cm-lines", "cm-labels"].forEach(function (name, i) {
      map.createPane(name).style.zIndex = [210, 260, 650][i];
    });
    // Nothing drawn here is interactive: clicks go through to the events and the choropleth's units
    // below, whichever of this script and theirs runs first.
    map.getPane("cm-lines").style.pointerEvents = "none";
    map.getPane("cm-labels").style.pointerEvents = "none";
    var lines = L.canvas({pane: "cm-lines", padding: 0.3});
    var state = {
      admin: true, water: true, labels: options.labels !== "none", arabic: options.labels === "ar",
      band: null, drawn: null, layers: {}, places: null, villages: null, world: null, farLand: null
    };

    function failed(what, error) {
      container.setAttribute("data-basemap-failed", what + ": " + error);
    }

    // --- land ---------------------------------------------------------------------------------------
    // The countries reaching into the region (with a margin) are drawn first; the others only once
    // the view leaves the region, as the world's borders are (updateWorld): turning all ~240 of the
    // 1:50m countries into Leaflet layers took most of the land's time, for countries off screen.
    var landStyle = {pane: "outlines", interactive: false, style: {stroke: false, fillColor: LAND, fillOpacity: 1}};

    function extent(geometry) {  // [[south, west], [north, east]] of a GeoJSON geometry
      var box = [[90, 180], [-90, -180]];
      (function walk(c) {
        if (typeof c[0] === "number") {
          box[0][0] = Math.min(box[0][0], c[1]); box[0][1] = Math.min(box[0][1], c[0]);
          box[1][0] = Math.max(box[1][0], c[1]); box[1][1] = Math.max(box[1][1], c[0]);
          return;
        }
        for (var i = 0; i < c.length; i++) { walk(c[i]); }
      })(geometry.coordinates);
      return L.latLngBounds(box);
    }

    if (options.countries) {
      load(cache, options.countries).then(function (world) {
        mark("land-data");
        var margin = L.latLngBounds(options.region).pad(0.25), near = [], far = [];
        topojson.feature(world, world.objects.countries).features.forEach(function (country) {
          if (country.geometry) { (margin.intersects(extent(country.geometry)) ? near : far).push(country); }
        });
        L.geoJSON(near, landStyle).addTo(map);
        state.farLand = far;
        container.setAttribute("data-outlines", "drawn");
        painted("land-drawn");
        updateWorld();
      }).catch(function (error) { container.setAttribute("data-outlines", "failed: " + error); });
    }

    // --- lines by zoom band -------------------------------------------------------------------------
    function bandFor(zoom) {
      var chosen = null;
      options.bands.forEach(function (band) { if (band.url && band.min_zoom <= zoom) { chosen = band; } });
      return chosen;
    }

    function buildBand(data) {
      var layers = {};
      ORDER.forEach(function (name) {
        var coded = data.layers[name];
        if (!coded || !coded.length) { return; }
        var style = L.extend({pane: "cm-lines", renderer: lines, interactive: false}, STYLES[name]);
        if (name === "lakes") {
          layers[name] = L.polygon(coded.map(function (polygon) {
            return polygon.map(function (ring) { return decode(ring, data.scale); });
          }), style);
        } else {
          layers[name] = L.polyline(coded.map(function (line) { return decode(line, data.scale); }), style);
        }
      });
      return layers;
    }

    function showLines() {
      var zoom = map.getZoom();
      ORDER.forEach(function (name) {
        var layer = state.layers[name];
        if (!layer) { return; }
        var on = (!GROUP[name] || state[GROUP[name]]) && !(name === "rivers" && zoom > RIVERS_MAX_ZOOM);
        if (on && !map.hasLayer(layer)) { layer.addTo(map); }
        if (!on && map.hasLayer(layer)) { map.removeLayer(layer); }
        if (on) { layer.setStyle({weight: widthFor(zoom, name)}); }
      });
      ORDER.forEach(function (name) { if (state.layers[name] && map.hasLayer(state.layers[name])) { state.layers[name].bringToFront(); } });
    }

    function updateLines() {
      var band = bandFor(map.getZoom());
      if (!band || band === state.band) { showLines(); return; }
      state.band = band;
      load(cache, band.url).then(function (data) {
        if (state.band !== band) { return; }  // zoomed on to another band meanwhile
        mark("lines-data");
        if (!band.layers) { band.layers = buildBand(data); }
        Object.keys(state.layers).forEach(function (name) { map.removeLayer(state.layers[name]); });
        state.layers = L.extend({}, band.layers, state.world ? {world: state.world} : {});
        showLines();
        container.setAttribute("data-basemap", band.name);
        painted("lines-drawn");
        if (!options.countries) { container.setAttribute("data-outlines", "drawn"); }
      }).catch(function (error) { failed(band.name, error); });
    }

    function updateWorld() {
      if (L.latLngBounds(options.region).contains(map.getBounds())) { return; }
      if (state.farLand) {
        L.geoJSON(state.farLand, landStyle).addTo(map);
        state.farLand = null;
      }
      if (state.world || !options.world) { return; }
      load(cache, options.world).then(function (data) {
        if (state.world) { return; }
        state.world = buildBand(data).world;
        state.layers.world = state.world;
        showLines();
      }).catch(function (error) { failed("world", error); });
    }

    // --- labels -------------------------------------------------------------------------------------
    var labelBox = L.DomUtil.create("div", "cm-labels", map.getPane("cm-labels"));

    function measure(text, kind) {
      canvasFont.font = FONTS[kind] + " system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
      return canvasFont.measureText(text).width + (SPACING[kind] || 0) * text.length;
    }

    // Event markers and clusters on screen, in container pixels: labels go beside them, not over them.
    // Where Leaflet put each icon (not where an animation has it now): its position plus its margins.
    function obstacles() {
      var boxes = [], icons = map.getPane("markerPane").querySelectorAll(".leaflet-marker-icon");
      for (var i = 0; i < icons.length; i++) {
        var icon = icons[i];
        if (!icon._leaflet_pos || !icon.offsetWidth || icon.style.opacity === "0") { continue; }
        var at = map.layerPointToContainerPoint(icon._leaflet_pos);
        var x = at.x + (parseFloat(icon.style.marginLeft) || 0), y = at.y + (parseFloat(icon.style.marginTop) || 0);
        boxes.push([x, y, x + icon.offsetWidth, y + icon.offsetHeight]);
      }
      return boxes;
    }

    function Grid() { this.cells = {}; }
    Grid.prototype.each = function (box, visit) {
      for (var gx = Math.floor(box[0] / 96); gx <= Math.floor(box[2] / 96); gx++) {
        for (var gy = Math.floor(box[1] / 96); gy <= Math.floor(box[3] / 96); gy++) { visit(gx + ":" + gy); }
      }
    };
    Grid.prototype.add = function (box) {
      var cells = this.cells;
      this.each(box, function (key) { (cells[key] = cells[key] || []).push(box); });
    };
    Grid.prototype.hit = function (box) {  // the first box overlapping `box`, or null
      var cells = this.cells, found = null;
      this.each(box, function (key) {
        (cells[key] || []).forEach(function (o) {
          if (!found && box[0] < o[2] && box[2] > o[0] && box[1] < o[3] && box[3] > o[1]) { found = o; }
        });
      });
      return found;
    };

    // Where a label may go: [box, left of the text, style]; a point's dot stays on the point when it can.
    function spots(at, width, point) {
      var y = at.y;
      if (!point) { return [[[at.x - width / 2 - 3, y - 9, at.x + width / 2 + 3, y + 9], at.x - width / 2, ""]]; }
      return [
        [[at.x - 4, y - 9, at.x + 12 + width, y + 9], at.x - 3, " cm-label-point"],
        [[at.x - 12 - width, y - 9, at.x + 4, y + 9], at.x - 6 - width, " cm-label-point cm-label-left"]
      ];
    }

    function drawLabels() {
      labelBox.textContent = "";
      labelBox.style.display = "";
      container.setAttribute("data-labels", "0");
      if (!state.labels || !state.places) { return; }
      var zoom = map.getZoom(), bounds = map.getBounds().pad(0.05), size = map.getSize();
      var placed = new Grid(), blocked = new Grid(), drawn = 0, fragment = document.createDocumentFragment();
      var named = {};  // water labels already placed, by text: a river is named once per 300 px
      obstacles().forEach(function (box) { blocked.add(box); });

      [state.places, zoom >= options.village_zoom ? state.villages : null].forEach(function (set) {
        if (!set) { return; }
        for (var i = 0; i < set.name.length && drawn < MAX_LABELS; i++) {
          if (set.zoom[i] > zoom || set.max_zoom[i] < zoom) { continue; }
          var lat = set.lat[i] / set.scale, lon = set.lon[i] / set.scale;
          if (!bounds.contains([lat, lon])) { continue; }
          var kind = set.kinds[set.kind[i]];
          var arabic = state.arabic && set.name_ar[i];
          var text = arabic ? set.name_ar[i] : set.name[i];
          if (kind === "admin1" && !arabic) { text = text.toUpperCase(); }
          var at = map.latLngToContainerPoint([lat, lon]);
          if (at.x < -50 || at.y < -20 || at.x > size.x + 50 || at.y > size.y + 20) { continue; }
          if (kind === "water" && (named[text] || []).some(function (p) { return p.distanceTo(at) < 300; })) { continue; }
          var width = measure(text, kind), point = POINT_KINDS[kind], choices = spots(at, width, point);
          var under = point && blocked.hit([at.x - 10, at.y - 10, at.x + 10, at.y + 10]);
          if (under) {  // the place is under a cluster (or right at its edge): name it beside the cluster
            choices.unshift([[under[2] + 1, at.y - 9, under[2] + 5 + width, at.y + 9], under[2] + 3, " cm-label-beside"],
                            [[under[0] - 5 - width, at.y - 9, under[0] - 1, at.y + 9], under[0] - 3 - width, " cm-label-beside"]);
          }
          var spot = null;
          for (var c = 0; c < choices.length && !spot; c++) {
            if (!placed.hit(choices[c][0]) && !blocked.hit(choices[c][0])) { spot = choices[c]; }
          }
          // a capital is named even over a cluster; anything else gives way to the events' numbers
          if (!spot && kind === "capital" && !placed.hit(choices[0][0])) { spot = choices[0]; }
          if (!spot) { continue; }
          placed.add(spot[0]);
          (named[text] = named[text] || []).push(at);
          var label = document.createElement("div");
          label.className = "cm-label cm-label-" + kind + spot[2];
          label.textContent = text;
          if (arabic) { label.dir = "rtl"; label.lang = "ar"; }
          var layerPoint = map.containerPointToLayerPoint([spot[1], at.y - 8]);
          label.style.left = Math.round(layerPoint.x) + "px";
          label.style.top = Math.round(layerPoint.y) + "px";
          fragment.appendChild(label);
          drawn++;
        }
      });
      labelBox.appendChild(fragment);
      container.setAttribute("data-labels", String(drawn));
      painted("labels-drawn");
    }

    var pending = null;
    function drawLabelsSoon() {  // after clusters settle: markercluster animates, then adds its icons
      clearTimeout(pending);
      pending = setTimeout(drawLabels, 120);
    }

    function updateLabels() {
      if (state.labels && !state.places) {
        load(cache, options.places).then(function (data) { state.places = data; drawLabels(); })
          .catch(function (error) { failed("places", error); });
      }
      if (state.labels && options.villages && !state.villages && map.getZoom() >= options.village_zoom) {
        load(cache, options.villages).then(function (data) { state.villages = data; drawLabels(); })
          .catch(function (error) { failed("villages", error); });
      }
      drawLabelsSoon();
    }

    // --- the layer control and the map's events -----------------------------------------------------
    var toggles = {admin: L.layerGroup(), water: L.layerGroup(), labels: L.layerGroup(), arabic: L.layerGroup()};
    Object.keys(toggles).forEach(function (name) { if (state[name]) { toggles[name].addTo(map); } });
    var overlays = {};
    overlays["Province and district lines"] = toggles.admin;
    overlays["Rivers and lakes"] = toggles.water;
    overlays["Place names"] = toggles.labels;
    overlays["Names in Arabic (\u0628\u0627\u0644\u0639\u0631\u0628\u064a\u0629)"] = toggles.arabic;
    var control = L.control.layers(null, overlays, {collapsed: true, position: "topright"}).addTo(map);
    map.on("overlayadd overlayremove", function (event) {
      Object.keys(toggles).forEach(function (name) {
        if (event.layer === toggles[name]) { state[name] = event.type === "overlayadd"; }
      });
      showLines();
      updateLabels();
    });
    map.on("zoomstart", function () { labelBox.style.display = "none"; });
    map.on("layeradd layerremove", function (event) {
      if (event.layer instanceof L.Marker) { drawLabelsSoon(); }
      if (L.MarkerClusterGroup && event.layer instanceof L.MarkerClusterGroup && event.type === "layeradd") {
        event.layer.on("animationend spiderfied unspiderfied", drawLabelsSoon);
      }
    });
    map.on("moveend", function () {
      updateLines();
      updateWorld();
      updateLabels();
    });
    if (map.attributionControl && options.attribution) { map.attributionControl.addAttribution(options.attribution); }
    map.whenReady(function () { updateLines(); updateWorld(); updateLabels(); });
    // For other layers (a choropleth can join the layer control) and for tests.
    map.conflictmapBasemap = {
      control: control,
      redrawLabels: drawLabels,
      layer: function (name) { return map.hasLayer(state.layers[name]) ? state.layers[name] : null; },
      drawn: function () {  // the line layers on the map: name -> number of lines
        var drawn = {};
        Object.keys(state.layers).forEach(function (name) {
          if (map.hasLayer(state.layers[name])) { drawn[name] = state.layers[name].getLatLngs().length; }
        });
        return drawn;
      }
    };
    return map.conflictmapBasemap;
  };
})();
