#!/usr/bin/python3
"""The bench's standard job drawn with matplotlib and geopandas (Debian's
python3-matplotlib, python3-geopandas): the same layers from shapes/, the
places of the events file labelled as they appear, one PNG a slice.
Usage: matplotlib_job.py EVENTS.json SHAPES_DIR OUT_DIR
Timed from outside, start-up included."""
import json
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import geopandas  # noqa: E402
from shapely.geometry import Point  # noqa: E402

W, H, DPI = 1600, 1200, 100


def lcc(bbox):
    w, s, e, n = bbox
    return ("+proj=lcc +lat_1=%.4f +lat_2=%.4f +lat_0=%.4f +lon_0=%.4f +datum=WGS84 "
            "+units=m +no_defs" % (s + (n - s) / 6, s + 5 * (n - s) / 6, (s + n) / 2, (w + e) / 2))


def main():
    events_path, shapes, out = sys.argv[1:4]
    doc = json.load(open(events_path, encoding="utf-8"))
    coords = json.load(open(os.path.join(os.path.dirname(events_path), "places.json")))
    bbox = doc["map"]["bbox"]
    crs = lcc(bbox)
    layers = {n: geopandas.read_file(os.path.join(shapes, n + ".shp")).to_crs(crs)
              for n in ("world", "countries", "regions", "lines")}
    corners = geopandas.GeoSeries([Point(bbox[0], bbox[1]), Point(bbox[2], bbox[3]),
                                   Point(bbox[0], bbox[3]), Point(bbox[2], bbox[1])],
                                  crs="EPSG:4326").to_crs(crs)
    x0, y0, x1, y1 = corners.total_bounds
    times = sorted({e["time"] for e in doc["events"]})
    os.makedirs(out, exist_ok=True)
    for k, t in enumerate(times):
        fig = plt.figure(figsize=(W / DPI, H / DPI), dpi=DPI, facecolor="#dbe6ee")
        ax = fig.add_axes([0, 0, 1, 1])
        layers["world"].plot(ax=ax, color="#efece5", linewidth=0)
        layers["countries"].plot(ax=ax, color="#fdfcfa", edgecolor="#8a8580", linewidth=1.2)
        layers["regions"].boundary.plot(ax=ax, color="#b9b4ae", linewidth=0.6)
        layers["lines"].plot(ax=ax, color="#7a1f1f", linewidth=1.4, linestyle="--")
        shown = [e["place"] for e in doc["events"] if e["time"] <= t]
        pts = geopandas.GeoSeries([Point(*coords[p]) for p in shown], crs="EPSG:4326").to_crs(crs)
        ax.scatter(pts.x, pts.y, s=16, color="#333333", edgecolor="white", zorder=5)
        for name, x, y in zip(shown, pts.x, pts.y):
            ax.annotate(name, (x, y), xytext=(6, 2), textcoords="offset points", fontsize=9,
                        color="#1a1a1a", zorder=6)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("auto")
        ax.set_axis_off()
        fig.savefig(os.path.join(out, "slice-%02d.png" % k), dpi=DPI)
        plt.close(fig)


main()
