#!/usr/bin/env python3
"""Writes a GeoJSON regions layer for bench/scale.sh with about N vertices:
a grid of wiggly polygons over the South Caucasus. Usage: scale-shape.py N OUT.geojson"""
import json
import math
import sys

n, out = int(sys.argv[1]), sys.argv[2]
cells = 100                        # 10 x 10 polygons
per = max(4, n // cells)
features = []
for k in range(cells):
    cx, cy = 45.5 + (k % 10) * 0.25 + 0.125, 39.0 + (k // 10) * 0.2 + 0.1
    ring = []
    for i in range(per):
        a = 2 * math.pi * i / per
        r = 0.1 + 0.01 * math.sin(37 * a)
        ring.append([round(cx + r * math.cos(a), 6), round(cy + 0.8 * r * math.sin(a), 6)])
    ring.append(ring[0])
    features.append({"type": "Feature", "properties": {"name": "Cell %d" % k},
                     "geometry": {"type": "Polygon", "coordinates": [ring]}})
json.dump({"type": "FeatureCollection", "features": features}, open(out, "w"))
