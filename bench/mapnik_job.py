#!/usr/bin/python3
"""The bench's standard job drawn with Mapnik (Debian's python3-mapnik): the
same layers from shapes/ (world, countries, regions, the two disputed lines),
the places of the events file labelled as they appear, one PNG a slice.
Usage: mapnik_job.py EVENTS.json SHAPES_DIR OUT_DIR png32|png8
Timed from outside, start-up included."""
import json
import os
import sys

import mapnik

W, H = 1600, 1200

STYLE = """<Map background-color="#dbe6ee">
<Style name="world"><Rule><PolygonSymbolizer fill="#efece5"/></Rule></Style>
<Style name="countries"><Rule>
  <PolygonSymbolizer fill="#fdfcfa"/>
  <LineSymbolizer stroke="#8a8580" stroke-width="1.2"/>
</Rule></Style>
<Style name="country-names"><Rule>
  <TextSymbolizer face-name="DejaVu Sans Book" size="13" fill="#777777" placement="interior"
    halo-fill="#ffffff" halo-radius="1">[name]</TextSymbolizer>
</Rule></Style>
<Style name="regions"><Rule><LineSymbolizer stroke="#b9b4ae" stroke-width="0.6"/></Rule></Style>
<Style name="lines"><Rule>
  <LineSymbolizer stroke="#7a1f1f" stroke-width="1.4" stroke-dasharray="4,3"/>
</Rule></Style>
<Style name="places"><Rule>
  <MarkersSymbolizer fill="#333333" stroke="#ffffff" width="6" height="6" allow-overlap="true"/>
  <TextSymbolizer face-name="DejaVu Sans Book" size="12" fill="#1a1a1a" dx="6" dy="-2"
    halo-fill="#ffffff" halo-radius="1.5" placement="point">[name]</TextSymbolizer>
</Rule></Style>
</Map>"""


def lcc(bbox):
    """conflictmap's `auto` for this extent: Lambert conformal conic, standard
    parallels at 1/6 and 5/6 of its latitudes, centred on it."""
    w, s, e, n = bbox
    return ("+proj=lcc +lat_1=%.4f +lat_2=%.4f +lat_0=%.4f +lon_0=%.4f +datum=WGS84 "
            "+units=m +no_defs" % (s + (n - s) / 6, s + 5 * (n - s) / 6, (s + n) / 2, (w + e) / 2))


def shape_layer(m, name, path, styles):
    layer = mapnik.Layer(name, "+proj=longlat +datum=WGS84 +no_defs")
    layer.datasource = mapnik.Shapefile(file=path)
    for s in styles:
        layer.styles.append(s)
    m.layers.append(layer)


def main():
    events_path, shapes, out, fmt = sys.argv[1:5]
    doc = json.load(open(events_path, encoding="utf-8"))
    coords = json.load(open(os.path.join(os.path.dirname(events_path), "places.json")))
    bbox = doc["map"]["bbox"]
    m = mapnik.Map(W, H, lcc(bbox))
    mapnik.load_map_from_string(m, STYLE)
    shape_layer(m, "world", os.path.join(shapes, "world.shp"), ["world"])
    shape_layer(m, "countries", os.path.join(shapes, "countries.shp"), ["countries"])
    shape_layer(m, "regions", os.path.join(shapes, "regions.shp"), ["regions"])
    shape_layer(m, "lines", os.path.join(shapes, "lines.shp"), ["lines"])
    shape_layer(m, "country-names", os.path.join(shapes, "countries.shp"), ["country-names"])
    places = mapnik.Layer("places", "+proj=longlat +datum=WGS84 +no_defs")
    places.styles.append("places")
    m.layers.append(places)
    proj = mapnik.ProjTransform(mapnik.Projection("+proj=longlat +datum=WGS84 +no_defs"),
                                mapnik.Projection(m.srs))
    box = proj.forward(mapnik.Box2d(bbox[0], bbox[1], bbox[2], bbox[3]))
    times = sorted({e["time"] for e in doc["events"]})
    os.makedirs(out, exist_ok=True)
    for k, t in enumerate(times):
        shown = [e["place"] for e in doc["events"] if e["time"] <= t]
        rows = "\n".join('%f,%f,"%s"' % (coords[p][0], coords[p][1], p) for p in shown)
        m.layers[len(m.layers) - 1].datasource = mapnik.Datasource(
            type="csv", inline="x,y,name\n" + rows + "\n")
        m.zoom_to_box(box)
        image = mapnik.Image(W, H)
        mapnik.render(m, image)
        image.save(os.path.join(out, "slice-%02d.png" % k), fmt)


main()
