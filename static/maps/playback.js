/* conflictmap's time playback: the events of the current filters played through time in the browser,
 * with no Streamlit rerun per frame (see conflictmap/maps/playback.py, whose docstring describes the data).
 *
 * The layer's script in the map (PlaybackControl) holds only this rerun's options and arrays and the
 * popup and cluster helpers of conflictmap/maps/layers.py; it loads this file beside the map the first
 * time, then calls conflictmapPlaybackLayer(group, options, data, helpers). The browser caches this
 * file; the standalone export inlines it.
 */
(function () {
var icons = {
  "play": "<svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><path d=\"M4 2.5v11l9.5-5.5z\"/></svg>",
  "pause": "<svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><path d=\"M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z\"/></svg>",
  "back": "<svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><path d=\"M3 2.5h2v11H3zM14 2.5v11L6 8z\"/></svg>",
  "next": "<svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><path d=\"M11 2.5h2v11h-2zM2 2.5v11L10 8z\"/></svg>"
};
var STYLE =
  ".cm-playback { will-change: transform; width: 312px;  /* its own layer: a frame repaints only it */" +
  "  box-sizing: border-box; padding: 8px 10px 6px; border-radius: 6px; outline: none;" +
  "  background: rgba(255, 255, 255, .95); color: #1d2433; box-shadow: 0 1px 5px rgba(0, 0, 0, .35);" +
  "  font: 12px/1.35 system-ui, -apple-system, \"Segoe UI\", sans-serif; cursor: default; user-select: none; }" +
  ".cm-playback:focus-visible { box-shadow: 0 0 0 3px rgba(0, 114, 178, .65), 0 1px 5px rgba(0, 0, 0, .35); }" +
  ".cm-playback-period { font-size: 21px; line-height: 1.2; font-weight: 650; letter-spacing: -.01em;" +
  "  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-variant-numeric: tabular-nums; }" +
  ".cm-playback-row { display: flex; align-items: center; gap: 6px; margin: 6px 0 4px; }" +
  ".cm-playback button { width: 30px; height: 30px; padding: 0; border-radius: 50%; border: 1px solid #b9c0cc;" +
  "  background: #fff; color: #1d2433; cursor: pointer; display: inline-flex; align-items: center;" +
  "  justify-content: center; flex: none; }" +
  ".cm-playback button:hover { background: #eef1f5; }" +
  ".cm-playback button.cm-playback-play { width: 36px; height: 36px; background: #263248; border-color: #263248;" +
  "  color: #fff; }" +
  ".cm-playback button.cm-playback-play:hover { background: #34425e; }" +
  ".cm-playback button svg { width: 14px; height: 14px; fill: currentColor; }" +
  ".cm-playback-info { flex: 1; min-width: 0; color: #3c4454; font-variant-numeric: tabular-nums; }" +
  ".cm-playback-count { font-weight: 600; color: #1d2433; }" +
  ".cm-playback-histogram { display: block; width: 100%; height: 38px; cursor: pointer; }" +
  ".cm-playback-histogram .cm-bars { fill: #8e9bb0; }" +
  ".cm-playback-histogram .cm-window { fill: rgba(213, 94, 0, .22); stroke: #D55E00; stroke-width: 1.5; }" +
  ".cm-playback-histogram .cm-window.cm-all { fill: rgba(213, 94, 0, .06); stroke-opacity: .35; }" +
  ".cm-playback-axis { display: flex; justify-content: space-between; color: #5a6272; font-size: 11px;" +
  "  margin-top: 1px; font-variant-numeric: tabular-nums; }" +
  ".cm-playback-canvas { position: absolute; left: 0; top: 0; pointer-events: none; }";

window.conflictmapPlaybackLayer = function (group, o, data, helpers) {
    var DAY = 864e5, MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    var LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December"];
    if (!document.getElementById("cm-playback-style")) {
        var style = document.createElement("style");
        style.id = "cm-playback-style";
        style.textContent = STYLE;
        document.head.appendChild(style);
    }
    function decode(text, Type) {
        var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
        return new Type(bytes.buffer);
    }
    function compact(packed) {
        return decode(packed.data, {Uint8Array: Uint8Array, Uint16Array: Uint16Array}[packed.type] || Int32Array);
    }

    // --- days and periods (as conflictmap.maps.playback.period) ------------------------------------
    var first = o.domain[0], last = o.domain[1];
    var lastAt = Math.max(first, last - o.window + 1);  // the last position: its window ends on the last day
    function utc(day) { return new Date(day * DAY); }
    function iso(day) { return utc(day).toISOString().slice(0, 10); }
    function monthStart(day) { var d = utc(day); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY; }
    function addMonths(day, n) { var d = utc(day); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1) / DAY; }
    function period(at) {
        if (at === null) { return [first, last]; }
        var end = Math.min(at + o.window - 1, last);
        return [o.cumulative ? first : at, end];
    }
    function stepped(at, direction) {
        if (o.step === "day") { return at + direction; }
        if (o.step === "week") { return at + 7 * direction; }
        if (direction > 0) { return addMonths(at, 1); }
        return monthStart(at) < at ? monthStart(at) : addMonths(at, -1);
    }
    function dayText(day) {
        var d = utc(day);
        return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
    }
    function periodText(p) {
        var a = utc(p[0]), b = utc(p[1]), b1 = utc(p[1] + 1);
        if (p[0] === p[1]) { return dayText(p[0]); }
        if (a.getUTCDate() === 1 && b1.getUTCDate() === 1) {  // whole months or years
            if (a.getUTCMonth() === 0 && b1.getUTCMonth() === 0) {
                return a.getUTCFullYear() === b.getUTCFullYear() ? String(a.getUTCFullYear())
                    : a.getUTCFullYear() + "\u2013" + b.getUTCFullYear();
            }
            if (a.getUTCFullYear() === b.getUTCFullYear() && a.getUTCMonth() === b.getUTCMonth()) {
                return LONG_MONTHS[a.getUTCMonth()] + " " + a.getUTCFullYear();
            }
        }
        if (a.getUTCFullYear() === b.getUTCFullYear()) {
            if (a.getUTCMonth() === b.getUTCMonth()) {
                return a.getUTCDate() + "\u2013" + dayText(p[1]);
            }
            return a.getUTCDate() + " " + MONTHS[a.getUTCMonth()] + " \u2013 " + dayText(p[1]);
        }
        return dayText(p[0]) + " \u2013 " + dayText(p[1]);
    }
    function windowText() {  // "30-day window · weekly steps · 4 a second"
        var w = o.window, unit = {day: "daily", week: "weekly", month: "monthly"}[o.step];
        var length = w % 365 === 0 ? (w / 365) + "-year" : w % 7 === 0 && w < 70 ? (w / 7) + "-week" : w + "-day";
        return (o.cumulative ? "cumulative" : length + " window") + " \u00b7 " + unit + " steps \u00b7 "
            + o.speed + " a second";
    }

    // --- the events, in Web Mercator in [0, 1) --------------------------------------------------------
    var count, mx, my, style, starts, lengths, rows = null, longest = 0;
    var cellMain, series, cellCounts, byColour, edges, offsets, entryCell, entryCount, longFirst, longLast, longCell,
        longCount;
    function mercator(xy, n) {
        mx = new Float64Array(n); my = new Float64Array(n);
        for (var i = 0; i < n; i++) {
            var lat = Math.max(Math.min(xy[2 * i] / 1e5, 85.0511287798), -85.0511287798) * Math.PI / 180;
            mx[i] = 0.5 + xy[2 * i + 1] / 1e5 / 360;
            my[i] = 0.5 - Math.log(Math.tan(Math.PI / 4 + lat / 2)) / (2 * Math.PI);
        }
    }
    var xy = decode(data.coordinates, Int32Array);
    if (o.mode === "cells") {
        count = xy.length / 2;
        cellMain = decode(data.main, Int8Array);
        series = data.series;
        edges = compact(series.edges); offsets = decode(series.offsets, Int32Array);
        entryCell = compact(series.cell); entryCount = compact(series.count);
        longFirst = compact(series.long_first); longLast = compact(series.long_last);
        longCell = compact(series.long_cell); longCount = compact(series.long_count);
        cellCounts = new Float32Array(count);
        byColour = o.colors.map(function () { return []; });
        for (var c = 0; c < count; c++) { byColour[cellMain[c] % o.colors.length].push(c); }
        byColour = byColour.map(function (list) { return Int32Array.from(list); });
    } else {
        count = data.count;
        style = decode(data.styles, Int8Array);
        starts = compact(data.start); lengths = compact(data.length); longest = data.longest;
        rows = data.rows || null;
    }
    mercator(xy, count);
    var px = new Float32Array(count), py = new Float32Array(count);

    // --- the canvas layer ----------------------------------------------------------------------------
    // Dots are copied pixel by pixel into one image, put on the canvas once a frame: 60,000 drawImage
    // calls take a quarter of a second in Chromium's software canvas, this a few milliseconds. A dot
    // that a later one at the same pixel covers is skipped, and crowded frames use smaller dots.
    var ratio = window.devicePixelRatio || 1;
    function spriteSet(size) {  // per style: a dot (a ring for coarse places) with a white edge, as pixels
        var side = Math.round(size * ratio), set = {side: side, half: size / 2, pixels: []};
        function one(colour, ring) {
            var canvas = document.createElement("canvas"), ctx = canvas.getContext("2d"), c = size / 2;
            canvas.width = canvas.height = side;
            ctx.scale(side / size, side / size);
            ctx.beginPath(); ctx.arc(c, c, c - 0.5, 0, 2 * Math.PI); ctx.fillStyle = "#fff"; ctx.fill();
            ctx.beginPath(); ctx.arc(c, c, c - 1.5, 0, 2 * Math.PI);
            if (ring) {
                ctx.fillStyle = "rgba(255,255,255,.75)"; ctx.fill(); ctx.lineWidth = size / 5; ctx.strokeStyle = colour;
                ctx.beginPath(); ctx.arc(c, c, c - 1.5 - size / 10, 0, 2 * Math.PI); ctx.stroke();
            } else { ctx.fillStyle = colour; ctx.fill(); }
            return new Uint32Array(ctx.getImageData(0, 0, side, side).data.buffer);
        }
        o.colors.forEach(function (colour) { set.pixels.push(one(colour, false)); });
        o.colors.forEach(function (colour) { set.pixels.push(one(colour, true)); });
        return set;
    }
    var sprites = {large: spriteSet(12), small: spriteSet(8)};
    var CROWDED = 6000;  // dots on screen from which they are drawn small
    var image = null, pixels = null, stamps = null, stamp = 0, keptIndex = null, keptX = null, keptY = null;
    var keptAt = null, stack = null;  // per pixel, the dot drawn there; per dot drawn, the events under it
    var LABELLED = 300;  // stacks of events at one place labelled with their number, at most
    function blend(at, v) {
        var a = v >>> 24, d = pixels[at];
        if (a === 255 || d === 0) { pixels[at] = v; return; }
        var k = a / 255, j = 1 - k;
        var r = ((v & 255) * k + (d & 255) * j) | 0, g = (((v >>> 8) & 255) * k + ((d >>> 8) & 255) * j) | 0;
        var b = (((v >>> 16) & 255) * k + ((d >>> 16) & 255) * j) | 0;
        pixels[at] = (Math.min(255, (a + (d >>> 24) * j) | 0) << 24) | (b << 16) | (g << 8) | r;
    }
    function blit(dot, side, x0, y0) {  // a sprite over the image at device pixel (x0, y0), cut at the edges
        var w = image.width, h = image.height;
        var xa = Math.max(0, -x0), ya = Math.max(0, -y0), xb = Math.min(side, w - x0), yb = Math.min(side, h - y0);
        for (var y = ya; y < yb; y++) {
            var row = (y0 + y) * w + x0, from = y * side;
            for (var x = xa; x < xb; x++) { if (dot[from + x] >>> 24) { blend(row + x, dot[from + x]); } }
        }
    }

    var map = null, canvas = null, ctx = null, width = 0, height = 0;
    var visible = new Int32Array(o.mode === "cells" ? 0 : count), shownCount = 0, shownTotal = 0;
    var heat = null;
    var Layer = L.Layer.extend({
        onAdd: function (m) {
            map = m;
            if (!map.getPane("cm-playback")) { map.createPane("cm-playback").style.zIndex = 450; }
            map.getPane("cm-playback").style.pointerEvents = "none";
            var animated = map._zoomAnimated ? " leaflet-zoom-animated" : "";
            canvas = L.DomUtil.create("canvas", "cm-playback-canvas" + animated, map.getPane("cm-playback"));
            ctx = canvas.getContext("2d");
            map.on("moveend viewreset resize", reset);
            map.on("click", onClick);
            if (map._zoomAnimated) { map.on("zoomanim", animateZoom); }
            if (o.heat && L.heatLayer && o.mode === "cells") {
                heat = L.heatLayer([], {radius: 25, blur: 20}).addTo(map);
            }
            reset();
        },
        onRemove: function (m) {
            m.off("moveend viewreset resize", reset);
            m.off("click", onClick);
            m.off("zoomanim", animateZoom);
            if (heat) { m.removeLayer(heat); heat = null; }
            L.DomUtil.remove(canvas);
            map = null;
        }
    });
    function animateZoom(e) {
        var scale = map.getZoomScale(e.zoom);
        var offset = map._getCenterOffset(e.center)._multiplyBy(-scale).subtract(map._getMapPanePos());
        L.DomUtil.setTransform(canvas, offset, scale);
    }
    var topLeft = null;
    function reset() {
        if (!map) { return; }
        var size = map.getSize();
        topLeft = map.containerPointToLayerPoint([0, 0]);
        L.DomUtil.setPosition(canvas, topLeft);
        width = size.x; height = size.y;
        canvas.width = width * ratio; canvas.height = height * ratio;
        canvas.style.width = width + "px"; canvas.style.height = height + "px";
        image = canvas.width && canvas.height ? ctx.createImageData(canvas.width, canvas.height) : null;
        pixels = image ? new Uint32Array(image.data.buffer) : null;
        stamps = image ? new Int32Array(image.width * image.height) : null;
        keptAt = image ? new Int32Array(image.width * image.height) : null;
        var scale = 256 * Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
        var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y;
        for (var i = 0; i < count; i++) { px[i] = mx[i] * scale - ox; py[i] = my[i] * scale - oy; }
        draw();
    }
    function lowerBound(array, value, hi) {  // the first index in [0, hi) whose value is >= value
        var lo = 0;
        while (lo < hi) { var mid = (lo + hi) >>> 1; if (array[mid] < value) { lo = mid + 1; } else { hi = mid; } }
        return lo;
    }
    function drawPoints(p) {
        if (cluster) { shownCount = 0; shownTotal = count; return; }  // every date: the clustered markers
        var ws = p[0] - first, we = p[1] - first;
        var hi = lowerBound(starts, we + 1, count), lo = lowerBound(starts, ws - longest, hi), n = 0, onScreen = 0;
        for (var i = lo; i < hi; i++) {
            if (starts[i] + lengths[i] < ws) { continue; }
            visible[n++] = i;
            if (px[i] > -8 && py[i] > -8 && px[i] < width + 8 && py[i] < height + 8) { onScreen++; }
        }
        shownCount = shownTotal = n;
        if (!pixels) { return; }
        if (!keptIndex) {
            keptIndex = new Int32Array(count); keptX = new Int32Array(count); keptY = new Int32Array(count);
            stack = new Int32Array(count);
        }
        var set = onScreen > CROWDED ? sprites.small : sprites.large, side = set.side;
        var w = image.width, h = image.height;
        var kept = 0;
        stamp++;
        for (var k = n - 1; k >= 0; k--) {  // the latest first: an earlier dot at the same pixel is hidden
            var e = visible[k];
            var x0 = Math.round((px[e] - set.half) * ratio), y0 = Math.round((py[e] - set.half) * ratio);
            if (x0 <= -side || y0 <= -side || x0 >= w || y0 >= h) { continue; }
            if (x0 >= 0 && y0 >= 0) {
                var key = y0 * w + x0;
                if (stamps[key] === stamp) { stack[keptAt[key]]++; continue; }
                stamps[key] = stamp;
                keptAt[key] = kept;
            }
            keptIndex[kept] = e; keptX[kept] = x0; keptY[kept] = y0; stack[kept] = 1; kept++;
        }
        pixels.fill(0);
        for (var q = kept - 1; q >= 0; q--) { blit(set.pixels[style[keptIndex[q]]], side, keptX[q], keptY[q]); }
        ctx.putImageData(image, 0, 0);
        if (set === sprites.large) { labelStacks(kept); }
    }
    function labelStacks(kept) {  // the number of events at one place, beside its dot, where there are several
        var stacks = [];
        for (var q = 0; q < kept; q++) { if (stack[q] > 1) { stacks.push(q); } }
        if (stacks.length > LABELLED) {
            stacks.sort(function (a, b) { return stack[b] - stack[a]; });
            stacks.length = LABELLED;
        }
        ctx.font = "600 11px system-ui, sans-serif";
        ctx.textBaseline = "middle";
        ctx.lineWidth = 3;
        ctx.lineJoin = "round";
        ctx.strokeStyle = "rgba(255, 255, 255, .9)";
        ctx.fillStyle = "#1d2433";
        stacks.forEach(function (q) {
            var x = keptX[q] / ratio + 13, y = keptY[q] / ratio + 6, text = String(stack[q]);
            ctx.strokeText(text, x, y);
            ctx.fillText(text, x, y);
        });
    }
    function binOf(day) {  // the bin holding `day` (days from the first day)
        return Math.max(0, lowerBound(edges, day + 1, edges.length) - 1);
    }
    function countCells(p) {
        var ws = p[0] - first, we = p[1] - first, b0 = binOf(ws), b1 = Math.min(binOf(we), edges.length - 2);
        cellCounts.fill(0);
        for (var b = b0; b <= b1; b++) {
            var share = 1;
            if (b === b0 || b === b1) {  // an edge bin, in proportion to the days of it the period covers
                var binFirst = Math.max(edges[b], 0), binLast = Math.min(edges[b + 1] - 1, last - first);
                var from = Math.max(binFirst, ws), to = Math.min(binLast, we);
                share = Math.max(0, to - from + 1) / Math.max(1, binLast - binFirst + 1);
            }
            for (var k = offsets[b]; k < offsets[b + 1]; k++) { cellCounts[entryCell[k]] += entryCount[k] * share; }
        }
        for (var j = 0; j < longFirst.length; j++) {  // events that began in an earlier bin and last into this one
            if (longFirst[j] < b0 && longLast[j] >= b0) { cellCounts[longCell[j]] += longCount[j]; }
        }
        var total = 0;
        for (var c = 0; c < count; c++) { total += cellCounts[c]; }
        shownTotal = Math.round(total);
    }
    function reference() { return state.at === null ? series.whole : series.reference; }
    function radius(n) { return 4 + 22 * Math.sqrt(Math.min(n / reference(), 1)); }
    function drawCells(p) {
        countCells(p);
        ctx.lineWidth = 0.8;
        ctx.strokeStyle = "rgba(38, 50, 72, .65)";
        ctx.globalAlpha = 1;
        var n = 0;
        for (var colour = 0; colour < byColour.length; colour++) {
            var list = byColour[colour];
            if (!list.length) { continue; }
            ctx.beginPath();
            for (var k = 0; k < list.length; k++) {
                var c = list[k], value = cellCounts[c];
                if (value < 0.5) { continue; }
                var x = px[c], y = py[c], r = radius(value);
                if (x < -r || y < -r || x > width + r || y > height + r) { continue; }
                ctx.moveTo(x + r, y);
                ctx.arc(x, y, r, 0, 2 * Math.PI);
                n++;
            }
            ctx.fillStyle = o.colors[colour];
            ctx.globalAlpha = 0.7; ctx.fill();
            ctx.globalAlpha = 1; ctx.stroke();
        }
        shownCount = n;
        if (heat) {
            var points = [];
            for (var c2 = 0; c2 < count; c2++) {
                if (cellCounts[c2] >= 0.5) { points.push([xy[2 * c2] / 1e5, xy[2 * c2 + 1] / 1e5, cellCounts[c2]]); }
            }
            heat.setOptions({max: reference()});
            heat.setLatLngs(points);
        }
    }
    var frames = 0, frameTimes = [], keyShown = null;
    function showKey() {  // the legend's last line (conflictmap.maps.basemap.KEY_LINES) says what is drawn
        var key = o.mode === "cells" ? "cells" : cluster ? "clusters" : "dots";
        if (map && key !== keyShown) { keyShown = key; map.getContainer().setAttribute("data-events", key); }
    }
    function draw() {
        if (!ctx) { return; }
        showKey();
        var began = performance.now();
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        ctx.clearRect(0, 0, width, height);
        var p = period(state.at);
        if (o.mode === "cells") { drawCells(p); } else { drawPoints(p); }
        frames++;
        frameTimes.push(performance.now() - began);
        if (frameTimes.length > 600) { frameTimes.shift(); }
        showPeriod(p);
    }

    // --- clicks: the nearest event (or cell) drawn within reach ---------------------------------------
    var layer = new Layer();
    function onClick(e) {
        var point = map.latLngToContainerPoint(e.latlng), best = -1, reach = 10, bestDistance = Infinity;
        if (o.mode === "cells") {
            for (var c = 0; c < count; c++) {
                if (cellCounts[c] < 0.5) { continue; }
                var d = Math.hypot(px[c] - point.x, py[c] - point.y);
                if (d <= radius(cellCounts[c]) && d < bestDistance) { best = c; bestDistance = d; }
            }
        } else {
            for (var k = 0; k < shownCount; k++) {
                var i = visible[k], d2 = Math.hypot(px[i] - point.x, py[i] - point.y);
                if (d2 <= reach && d2 <= bestDistance) { best = i; bestDistance = d2; }  // the latest drawn, on top
            }
        }
        if (best < 0) { return; }
        var at = L.latLng(xy[2 * best] / 1e5, xy[2 * best + 1] / 1e5);
        if (rows) {
            L.popup({maxWidth: 360}).setLatLng(at).setContent(popup(rows[best])).openOn(map);
        }
        layer.fire("click", {latlng: at, sourceTarget: layer, originalEvent: e.originalEvent});
    }

    var popup = helpers.popup;


    // --- the control ------------------------------------------------------------------------------------
    var memory = window.conflictmapPlaybackMemory;
    var state = {at: o.at, playing: false};
    // Playing, a period not yet handed back, the keyboard focus: as the layer this one replaces left them.
    var resume = false, pending = false, focused = false;
    if (memory && memory.seek === o.seek && memory.domain === o.domain.join("/")) {
        state.at = memory.at; resume = memory.playing; pending = memory.pending;
    }
    focused = Boolean(memory && memory.focused);
    if (state.at !== null) { state.at = Math.min(Math.max(state.at, first), lastAt); }
    memory = {seek: o.seek, domain: o.domain.join("/"), at: state.at, playing: false};
    window.conflictmapPlaybackMemory = memory;

    var box = L.DomUtil.create("div", "cm-playback");
    box.tabIndex = 0;
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Time playback: space plays or pauses, the arrow keys step");
    var periodLine = L.DomUtil.create("div", "cm-playback-period", box);
    periodLine.setAttribute("aria-live", "polite");
    var row = L.DomUtil.create("div", "cm-playback-row", box);
    function button(name, title) {
        var b = L.DomUtil.create("button", "cm-playback-" + name, row);
        b.type = "button"; b.tabIndex = -1; b.title = title; b.setAttribute("aria-label", title);
        b.innerHTML = icons[name === "play" ? "play" : name];
        L.DomEvent.on(b, "mousedown", function (e) { L.DomEvent.preventDefault(e); box.focus(); });
        return b;
    }
    var backButton = button("back", "Step back (\u2190)");
    var playButton = button("play", "Play (space)");
    var nextButton = button("next", "Step forward (\u2192)");
    var info = L.DomUtil.create("div", "cm-playback-info", row);
    var countText = L.DomUtil.create("span", "cm-playback-count", info);
    var settingsText = L.DomUtil.create("div", "", info);
    settingsText.textContent = windowText();
    var NS = "http://www.w3.org/2000/svg", W = 292, H = 38;
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("class", "cm-playback-histogram");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("aria-hidden", "true");
    box.appendChild(svg);
    var bars = o.histogram.counts, barDays = o.histogram.bar, span = last - first + 1;
    var tallest = Math.max.apply(null, bars.concat([1])), path = "";
    for (var b = 0; b < bars.length; b++) {
        if (!bars[b]) { continue; }
        var x0 = b * barDays / span * W, x1 = Math.min((b + 1) * barDays / span * W, W);
        var h = Math.max(1.5, Math.sqrt(bars[b] / tallest) * (H - 2));  // square root: quiet months still show
        path += "M" + x0.toFixed(2) + " " + H + "V" + (H - h).toFixed(2) + "H" + Math.max(x1 - 0.3, x0 + 0.4).toFixed(2)
            + "V" + H + "Z";
    }
    var barsPath = document.createElementNS(NS, "path");
    barsPath.setAttribute("class", "cm-bars");
    barsPath.setAttribute("d", path);
    svg.appendChild(barsPath);
    var windowRect = document.createElementNS(NS, "rect");
    windowRect.setAttribute("class", "cm-window");
    windowRect.setAttribute("y", "0.75");
    windowRect.setAttribute("height", String(H - 1.5));
    svg.appendChild(windowRect);
    var axis = L.DomUtil.create("div", "cm-playback-axis", box);
    L.DomUtil.create("span", "", axis).textContent = dayText(first);
    L.DomUtil.create("span", "", axis).textContent = dayText(last);

    var shownBefore = {};
    function update(key, element, name, value) {  // touch the page only where a frame changed it
        if (shownBefore[key] === value) { return; }
        shownBefore[key] = value;
        if (name === "text") { element.textContent = value; } else { element.setAttribute(name, value); }
    }
    function showPeriod(p) {
        update("period", periodLine, "text", state.at === null ? "All dates" : periodText(p));
        update("count", countText, "text", shownTotal.toLocaleString("en") + (shownTotal === 1 ? " event" : " events"));
        var x = (p[0] - first) / span * W, w = Math.max((p[1] - p[0] + 1) / span * W, 1.5);
        update("x", windowRect, "x", x.toFixed(1));
        update("width", windowRect, "width", w.toFixed(1));
        update("class", windowRect, "class", state.at === null ? "cm-window cm-all" : "cm-window");
        update("data-period", box, "data-period", iso(p[0]) + "/" + iso(p[1]));
        update("data-at", box, "data-at", state.at === null ? "" : iso(state.at));
        update("data-events", box, "data-events", String(shownTotal));
    }

    // --- playing, stepping, handing the period back to the app -----------------------------------------
    var raf = null, lastTick = null, handBackTimer = null;
    function setPlaying(playing) {
        state.playing = playing;
        memory.playing = playing;
        playButton.innerHTML = icons[playing ? "pause" : "play"];
        playButton.title = playing ? "Pause (space)" : "Play (space)";
        playButton.setAttribute("aria-label", playButton.title);
        periodLine.setAttribute("aria-live", playing ? "off" : "polite");
        box.setAttribute("data-playing", String(playing));
    }
    function moveTo(at) {
        hideCluster();
        state.at = Math.min(Math.max(at, first), lastAt);
        memory.at = state.at;
        draw();
    }
    function play() {
        if (state.playing) { return; }
        if (state.at === null || state.at >= lastAt) { moveTo(first); }
        setPlaying(true);
        lastTick = null;
        raf = requestAnimationFrame(tick);
    }
    function pause() {
        if (!state.playing) { return; }
        setPlaying(false);
        if (raf !== null) { cancelAnimationFrame(raf); raf = null; }
        handBack();
    }
    function tick(now) {
        raf = null;
        if (!state.playing || !map) { return; }
        if (lastTick === null) { lastTick = now; }
        var due = Math.floor((now - lastTick) * o.speed / 1000);
        if (due >= 1) {
            lastTick += due * 1000 / o.speed;
            var at = state.at, end = false;
            for (var k = 0; k < due && !end; k++) {
                var next = stepped(at, 1);
                if (next >= lastAt) { at = lastAt; end = true; } else { at = next; }
            }
            moveTo(at);
            if (end) { pause(); return; }
        }
        raf = requestAnimationFrame(tick);
    }
    function step(direction) {
        if (state.playing) { pause(); }
        var at = state.at === null ? first : stepped(state.at, direction);
        moveTo(at);
        handBack();
    }
    function seek(day) {
        var at = o.step === "month" ? monthStart(day) : day;
        moveTo(Math.max(at, first));
        if (!state.playing) { handBack(); }
    }
    function handBack() {  // the paused period to the app (see the module's docstring); debounced for key repeats
        if (handBackTimer !== null) { clearTimeout(handBackTimer); }
        handBackTimer = setTimeout(function () {
            handBackTimer = null;
            var data = window.__GLOBAL_DATA__;
            if (!data || !map || state.at === null || state.playing) { return; }
            var p = period(state.at);
            data.selected_tags = [o.tag, iso(p[0]), iso(p[1]), iso(state.at)];
            map.fire("moveend");
        }, 300);
    }
    function toggle() { if (state.playing) { pause(); } else { play(); } }
    L.DomEvent.on(playButton, "click", function (e) { L.DomEvent.stop(e); toggle(); });
    L.DomEvent.on(backButton, "click", function (e) { L.DomEvent.stop(e); step(-1); });
    L.DomEvent.on(nextButton, "click", function (e) { L.DomEvent.stop(e); step(1); });
    L.DomEvent.on(svg, "click", function (e) {
        L.DomEvent.stop(e);
        var bounds = svg.getBoundingClientRect();
        seek(first + Math.floor((e.clientX - bounds.left) / bounds.width * span));
    });
    L.DomEvent.on(box, "keydown", function (e) {
        var keys = {" ": 0, Spacebar: 0, ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1,
            Home: "home", End: "end"};
        if (!(e.key in keys) || e.altKey || e.ctrlKey || e.metaKey) { return; }
        L.DomEvent.stop(e);  // not the page's scroll nor the map's keyboard panning
        var what = keys[e.key];
        if (what === 0) { toggle(); }
        else if (what === "home") { seek(first); }
        else if (what === "end") { seek(lastAt); }
        else { step(what); }
    });
    L.DomEvent.on(box, "mousedown", function () { box.focus(); });
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    var control = L.control({position: "bottomleft"});
    control.onAdd = function () { return box; };

    function attach(m) {
        control.addTo(m);
        m.conflictmapPlayback = {
            play: play, pause: pause, step: step, seek: function (text) { seek(Date.parse(text) / DAY); },
            state: function () {
                var p = period(state.at);
                return {at: state.at === null ? null : iso(state.at), period: [iso(p[0]), iso(p[1])],
                    playing: state.playing, events: shownTotal, frames: frames, mode: o.mode,
                    seek: o.seek, frameTimes: frameTimes.slice()};
            },
            element: box
        };
        draw();
        setPlaying(false);
        if (focused) { box.focus({preventScroll: true}); }
        if (resume) { play(); } else if (pending) { handBack(); }
    }
    group.on("add", function () { if (!control._map) { attach(group._map); } });
    group.on("remove", function () {
        if (state.playing) { setPlaying(false); memory.playing = true; }  // a replacement layer plays on
        if (handBackTimer !== null) { clearTimeout(handBackTimer); handBackTimer = null; memory.pending = true; }
        memory.focused = document.activeElement === box;
        if (raf !== null) { cancelAnimationFrame(raf); raf = null; }
        if (control._map) { control.remove(); }
    });
    // --- every date on screen (no position yet, as the export opens): the clustered markers, as without
    // playback, until a position is set ----------------------------------------------------------------
    var colors = o.colors, cluster = null;

    var clusterIcon = helpers.clusterIcon, eventMarker = helpers.eventMarker;

    function showCluster() {
        if (o.mode === "cells" || !L.markerClusterGroup || cluster) { return; }
        cluster = L.markerClusterGroup({maxClusterRadius: 40, spiderfyOnMaxZoom: true, showCoverageOnHover: false,
            chunkedLoading: true, iconCreateFunction: clusterIcon});
        var markers = [];
        for (var i = 0; i < count; i++) {
            var marker = eventMarker(xy[2 * i] / 1e5, xy[2 * i + 1] / 1e5, style[i], rows ? rows[i][3] : null);
            if (rows) {
                marker.bindPopup((function (r) { return function () { return popup(r); }; })(rows[i]), {maxWidth: 360});
            }
            markers.push(marker);
        }
        cluster.addLayers(markers);
        group.addLayer(cluster);
    }
    function hideCluster() { if (cluster) { group.removeLayer(cluster); cluster = null; } }
    if (state.at === null) { showCluster(); }

    layer.addTo(group);
    if (group._map) { attach(group._map); }
    return layer;
};
})();
