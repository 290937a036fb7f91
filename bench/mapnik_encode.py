#!/usr/bin/python3
"""Mapnik's PNG writers on conflictmap's own pixels: each PNG given is opened
with Mapnik and saved as png32 and png8 (Mapnik's defaults), so that bytes are
compared on the same map, not on two drawings of it.
Usage: mapnik_encode.py OUT_DIR FILE.png...   prints "png32 BYTES png8 BYTES MS" a file, averaged"""
import os
import sys
import time

import mapnik

out, files = sys.argv[1], sys.argv[2:]
os.makedirs(out, exist_ok=True)
b32 = b8 = 0
t = 0.0
for f in files:
    image = mapnik.Image.open(f)
    t0 = time.perf_counter()
    image.save(os.path.join(out, "a.png"), "png32")
    t += time.perf_counter() - t0
    b32 += os.path.getsize(os.path.join(out, "a.png"))
    image.save(os.path.join(out, "b.png"), "png8")
    b8 += os.path.getsize(os.path.join(out, "b.png"))
print("png32 %d png8 %d ms %.1f" % (b32 / len(files), b8 / len(files), t * 1e3 / len(files)))
