"""The colour of one pixel of an 8-bit RGB PNG, read with Python alone, and
the middle of an SVG path's vertices: for the end-to-end tests that look at
what was drawn (control.sh, control_local.sh), and a whole image's rows.
Usage: png_pixel.py middle SVG SIDE STATUS | png_pixel.py pixel PNG X Y"""
import re, struct, sys, zlib
def rows_of(path, upto=None):
    """(width, height, rows): the rows of an 8-bit RGB PNG as bytearrays of RGB
    triples, the first @upto + 1 of them (all when @upto is None)"""
    data = open(path, 'rb').read()
    pos, idat, w, h = 8, b'', 0, 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and ctype == 2, 'RGB PNG expected'
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw, stride, prev, rows = zlib.decompress(idat), w * 3, bytearray(w * 3), []
    for row in range(h if upto is None else upto + 1):
        f, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b, c = prev[i], prev[i - 3] if i >= 3 else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, rows
def image(path):
    """(width, height, rows): every row of an 8-bit RGB PNG"""
    return rows_of(path)
def pixel(path, x, y):
    """the (r, g, b) of pixel @x, @y: the rows decoded down to it only"""
    return tuple(rows_of(path, y)[2][y][x * 3:x * 3 + 3])
def middle(svg, side, status):
    paths = re.findall(r'<path data-side="%s" data-status="%s" d="([^"]*)"' % (side, status), open(svg).read())
    nums = [float(v) for v in re.findall(r'-?[0-9.]+', paths[0])]
    xs, ys = nums[0::2], nums[1::2]
    return int(sum(xs) / len(xs)), int(sum(ys) / len(ys))
if __name__ == '__main__':
    if sys.argv[1] == 'middle':
        print(*middle(sys.argv[2], sys.argv[3], sys.argv[4]))
    else:
        print(*pixel(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
