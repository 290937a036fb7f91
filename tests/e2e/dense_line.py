"""The vertices of a layer's test rings, for the end-to-end tests that write
control layers (control_local.sh, control_swap.sh): a polyline through @pts
with a point every @step degree between its corners (its last point left
out), rounded to 1e-7 degree, so that two rings along the same corners have
the same points."""
def line(pts, step=0.01):
    out = []
    for a, b in zip(pts, pts[1:]):
        n = max(1, round(max(abs(b[0] - a[0]), abs(b[1] - a[1])) / step))
        out += [[round(a[0] + (b[0] - a[0]) * k / n, 7), round(a[1] + (b[1] - a[1]) * k / n, 7)]
                for k in range(n)]
    return out
