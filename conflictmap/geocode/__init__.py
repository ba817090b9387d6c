"""Place names to coordinates, offline first, with how precisely and on what evidence.

`compose.build_geocoder` puts the one geocoder together (overrides, learned places, the
gazetteers, the answer cache, the opt-in Nominatim fallback) for every path: the shipped data, the
Data page, `geocode` and `export`. `normalise` makes name keys in Latin and Arabic script,
`gazetteer` indexes GeoNames cities500, the village-level gazetteer and the admin areas,
`geocoder.OfflineGeocoder` (a geopy Geocoder) answers: a name checked and cut into parts (`query`),
the row's hints as areas (`hints`), decided by `rules` over the places `ranking` groups, into an
`answers.PlaceMatch`; `placing` joins events with their places.
"""
