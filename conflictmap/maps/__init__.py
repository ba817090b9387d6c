"""The folium map: `basemap` (the offline base map, legend, outlines), `layers` (the events layer,
chosen by payload budget), `playback` (time playback in the browser), `assets` (the vendored map
files), `standalone` (the HTML export) and `state` (what the map's reply means)."""
