#!/usr/bin/env python3
"""make_png.py - test images for `vbgen sign`, drawn here rather than committed.

    python3 tests/sign/make_png.py signature OUT.png   blue strokes, transparent, 300 dpi
    python3 tests/sign/make_png.py seal OUT.png        red ring 36 mm wide, transparent, 300 dpi
    python3 tests/sign/make_png.py opaque OUT.png      a white box (no transparency)

Plain RGBA PNGs written with zlib, with a pHYs chunk saying 300 dots per inch.
"""
import math
import struct
import sys
import zlib

DPI = 300
PPM = round(DPI / 0.0254)


def chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def write(path, w, h, pixel):
    rows = bytearray()
    for y in range(h):
        rows.append(0)
        for x in range(w):
            rows.extend(pixel(x, y))
    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
           + chunk(b"pHYs", struct.pack(">IIB", PPM, PPM, 1))
           + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
           + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)


def signature(x, y):
    # a wavy stroke across the image, 8 px thick
    cy = 100 + 60 * math.sin(x / 45.0)
    return (20, 40, 200, 255) if abs(y - cy) < 4 else (0, 0, 0, 0)


def seal(x, y):
    # 36 mm at 300 dpi is 425 px: a ring and a star of red
    r = math.hypot(x - 212, y - 212)
    inside = 180 < r < 205 or (r < 60)
    return (220, 20, 30, 255) if inside else (0, 0, 0, 0)


if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "signature":
        write(out, 600, 200, signature)
    elif kind == "seal":
        write(out, 425, 425, seal)
    else:
        write(out, 100, 50, lambda x, y: (255, 255, 255, 255))
