#!/usr/bin/env python3
"""Writes a synthetic timeline for bench/scale.sh: N events spread evenly over
DAYS days in the South Caucasus, at lon/lat (no gazetteer lookups), with a
fixed map extent. Usage: scale-events.py N DAYS OUT.json"""
import json
import random
import sys

n, days, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(8)
kinds = ["shelling", "strike", "clash", "casualties", "protest", "statement", "humanitarian"]
start = 1601510400  # 2020-10-01T00:00:00Z
events = []
for i in range(n):
    t = start + (i * days * 86400) // n
    events.append({"id": "e%d" % i,
                   "time": "%04d-%02d-%02dT%02d:%02d:%02dZ" % __import__("time").gmtime(t)[:6],
                   "lon": round(rng.uniform(45.6, 47.9), 4), "lat": round(rng.uniform(39.0, 40.9), 4),
                   "kind": kinds[i % len(kinds)], "headline": "Report %d" % i})
json.dump({"title": "Scale test", "map": {"bbox": [45.4, 38.9, 48.0, 41.0]}, "events": events},
          open(out, "w"))
