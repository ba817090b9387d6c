/* conflictmap's choropleth: Iraq's governorates or districts filled by their events or fatalities.
 *
 * conflictmap/maps/choropleth.py writes the call, conflictmapChoropleth(layer, options), with the
 * layer (an L.featureGroup already on the map, so that streamlit-folium hears clicks on it) and only
 * the values and classes of this rerun; the shapes come from static/basemap/units.json, fetched once
 * per map and cached by the browser. Text from the options goes on the page as text, never as HTML.
 */
(function () {
  "use strict";

  function decode(ring, scale) {
    var points = new Array(ring.length / 2), x = 0, y = 0;
    for (var i = 0; i < ring.length; i += 2) {
      x += ring[i];
      y += ring[i + 1];
      points[i / 2] = [y / scale, x / scale];
    }
    return points;
  }

  function shapes(url) {  // per level: P-codes, names and rings as lat/lng arrays, once per page
    var memo = window.conflictmapUnitShapes = window.conflictmapUnitShapes || {};
    if (!memo[url]) {
      memo[url] = fetch(url).then(function (response) {
        if (!response.ok) { throw new Error(url + ": HTTP " + response.status); }
        return response.json();
      }).then(function (data) {
        var levels = {};
        Object.keys(data.levels).forEach(function (level) {
          var unit = data.levels[level];
          levels[level] = {pcode: unit.pcode, name: unit.name, name_ar: unit.name_ar,
            rings: unit.rings.map(function (rings) { return rings.map(function (r) { return decode(r, data.scale); }); })};
        });
        return levels;
      });
      memo[url].catch(function () { delete memo[url]; });
    }
    return memo[url];
  }

  function amount(value, words) { return value.toLocaleString("en") + " " + (value === 1 ? words[0] : words[1]); }

  function legendControl(o) {
    var control = L.control({position: "bottomright"});
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "cm-legend cm-units-legend");
      L.DomUtil.create("b", "", box).textContent = o.legend.title;
      o.classes.forEach(function (c) {
        var row = L.DomUtil.create("div", "cm-units-class", box);
        var swatch = L.DomUtil.create("i", "", row);
        swatch.style.background = c.color;
        if (c.high === 0) { swatch.className = "cm-units-zero"; }
        row.appendChild(document.createTextNode(c.label));
        L.DomUtil.create("span", "cm-units-held", row).textContent = c.held;
      });
      L.DomUtil.create("div", "cm-units-note", box).textContent = o.legend.method;
      L.DomUtil.create("div", "cm-units-note", box).textContent = o.legend.coverage;
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return control;
  }

  window.conflictmapChoropleth = function (layer, o) {
    var map = layer._map, container = map.getContainer();
    var control = legendControl(o);
    var gone = false;
    function shown() {
      container.setAttribute("data-events", "units");
      if (!control._map) { control.addTo(map); }
    }
    layer.on("remove", function () {
      gone = true;
      if (control._map) { control.remove(); }
      if (container.getAttribute("data-events") === "units") { container.removeAttribute("data-events"); }
      container.removeAttribute("data-units");
    });
    shown();
    // Under the basemap's lines, lakes and labels (cm-lines is 260, see basemap.js), over the land; the
    // lines' pane lets clicks through to the units (basemap.js).
    if (!map.getPane("cm-units")) { map.createPane("cm-units").style.zIndex = 250; }
    var renderer = map.conflictmapUnitsRenderer = map.conflictmapUnitsRenderer || L.svg({pane: "cm-units", padding: 0.5});
    shapes(o.url).then(function (levels) {
      if (gone) { return; }
      var units = levels[o.level];
      var words = o.words;
      units.pcode.forEach(function (pcode, i) {
        var c = o.classes[o.class_of[i]];
        var selected = pcode === o.selected;
        var polygon = L.polygon(units.rings[i], {
          color: selected ? "#1d2433" : "#ffffff", weight: selected ? 3 : 1, opacity: selected ? 1 : 0.9,
          fillColor: c.color, fillOpacity: c.high === 0 ? 0.5 : 0.72, className: "cm-unit", pane: "cm-units",
          renderer: renderer
        });
        polygon.pcode = pcode;
        var tip = document.createElement("div");
        var title = L.DomUtil.create("b", "", tip);
        title.textContent = units.name[i] + (units.name_ar[i] ? " \u00b7 " + units.name_ar[i] : "");
        L.DomUtil.create("div", "", tip).textContent = amount(o.events[i], words.events) + ", "
          + amount(o.fatalities[i], words.fatalities);
        L.DomUtil.create("div", "cm-units-hint", tip).textContent = "Click to list its events below the map";
        polygon.bindTooltip(tip, {sticky: true, direction: "top", opacity: 0.95});
        polygon.on("mouseover", function () { if (!selected) { polygon.setStyle({weight: 2.5, color: "#263248"}); } });
        polygon.on("mouseout", function () { if (!selected) { polygon.setStyle({weight: 1, color: "#ffffff"}); } });
        polygon.getElement && polygon.on("add", function () {
          var path = polygon.getElement();
          if (path) { path.setAttribute("data-pcode", pcode); path.setAttribute("data-class", String(o.class_of[i])); }
        });
        layer.addLayer(polygon);
        if (selected) { polygon.bringToFront(); }
      });
      container.setAttribute("data-units", o.level + ":" + units.pcode.length);
    }).catch(function (error) { container.setAttribute("data-units", "failed: " + error); });
  };
})();
