#!/usr/bin/env python3
"""Renders time-series panels of deploy/grafana/nimbus-dashboard.json to one
SVG, from a live Prometheus (no Grafana needed): a preview of the dashboard
for docs/operations.md.

  scripts/render-panels.py PROMETHEUS_URL MINUTES OUT.svg "Panel title"...
"""
import html
import json
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

COLORS = ["#7eb26d", "#eab839", "#6ed0e0", "#ef843c", "#e24d42", "#1f78c1",
          "#ba43a9", "#705da0", "#508642", "#cca300"]
W, H, PAD_L, PAD_R, PAD_T, PAD_B, COLS = 460, 230, 62, 12, 30, 58, 2
STEP = 5  # seconds between points


def query_range(prom, expr, start, end, step):
    q = urllib.parse.urlencode({"query": expr, "start": start, "end": end,
                                "step": step})
    with urllib.request.urlopen(f"{prom}/api/v1/query_range?{q}", timeout=10) as r:
        return json.load(r)["data"]["result"]


def legend(fmt, labels):
    out = fmt or "{{__name__}}"
    for k, v in labels.items():
        out = out.replace("{{" + k + "}}", v)
    return out


def human(v, unit):
    if unit in ("bytes", "Bps"):
        for u in ("", "K", "M", "G", "T"):
            if abs(v) < 1024:
                return f"{v:.0f} {u}B" + ("/s" if unit == "Bps" else "")
            v /= 1024
        return f"{v:.0f} PB"
    if unit == "s":
        return f"{v * 1000:.1f} ms" if 0 < abs(v) < 1 else f"{v:.0f} s"
    if unit == "reqps":
        return f"{v:.0f}/s"
    return f"{v:.3g}"


def panel_svg(p, series, x0, y0, start, end, unit):
    out = [f'<g transform="translate({x0},{y0})">',
           f'<rect width="{W}" height="{H}" fill="#181b1f" stroke="#2c3235"/>',
           f'<text x="10" y="19" fill="#ccccdc" font-size="13">{html.escape(p["title"])}</text>']
    pw, ph = W - PAD_L - PAD_R, H - PAD_T - PAD_B
    vals = [v for _, pts in series for _, v in pts]
    lo, hi = (min(vals + [0]), max(vals + [0])) if vals else (0, 1)
    if hi == lo:
        hi = lo + 1
    for i in range(5):
        y = PAD_T + ph - ph * i / 4
        v = lo + (hi - lo) * i / 4
        out.append(f'<line x1="{PAD_L}" x2="{PAD_L + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#2c3235"/>')
        out.append(f'<text x="{PAD_L - 4}" y="{y + 4:.1f}" fill="#8e8e8e" font-size="10" text-anchor="end">{html.escape(human(v, unit))}</text>')
    for i in range(4):
        t = start + (end - start) * i / 3
        x = PAD_L + pw * i / 3
        out.append(f'<text x="{x:.1f}" y="{PAD_T + ph + 14}" fill="#8e8e8e" font-size="10" text-anchor="middle">{time.strftime("%H:%M", time.gmtime(t))}</text>')
    for k, (name, pts) in enumerate(series[:len(COLORS)]):
        c = COLORS[k]
        # A gap in the data (a server was down) stays a gap.
        path = " ".join(
            f"{'M' if j == 0 or t - pts[j - 1][0] > 3 * STEP else 'L'}"
            f"{PAD_L + pw * (t - start) / (end - start):.1f},"
            f"{PAD_T + ph - ph * (v - lo) / (hi - lo):.1f}" for j, (t, v) in enumerate(pts))
        out.append(f'<path d="{path}" fill="none" stroke="{c}" stroke-width="1.5"/>')
        lx, ly = 10 + (k % 2) * (W // 2), PAD_T + ph + 28 + (k // 2) * 12
        if ly < H - 2:
            out.append(f'<rect x="{lx}" y="{ly - 8}" width="10" height="3" fill="{c}"/>')
            out.append(f'<text x="{lx + 14}" y="{ly - 3}" fill="#ccccdc" font-size="10">{html.escape(name if len(name) <= 36 else name[:35] + "…")}</text>')
    if not series:
        out.append(f'<text x="{W / 2}" y="{H / 2}" fill="#8e8e8e" text-anchor="middle">no data</text>')
    out.append("</g>")
    return out


def main():
    prom, minutes, out_path, titles = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    root = Path(__file__).resolve().parent.parent
    dash = json.load(open(root / "deploy/grafana/nimbus-dashboard.json"))
    panels = {p["title"]: p for p in dash["panels"]}
    end = time.time()
    start = end - minutes * 60
    rows = (len(titles) + COLS - 1) // COLS
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{COLS * W + 10 * (COLS + 1)}" '
           f'height="{rows * H + 10 * (rows + 1)}" font-family="sans-serif">',
           '<rect width="100%" height="100%" fill="#111217"/>']
    for i, title in enumerate(titles):
        p = panels[title]
        unit = p["fieldConfig"]["defaults"].get("unit", "none")
        series = []
        for t in p["targets"]:
            expr = t["expr"].replace("$__rate_interval", "15s")
            for r in query_range(prom, expr, start, end, STEP):
                pts = [(float(ts), float(v)) for ts, v in r["values"] if v not in ("NaN", "+Inf", "-Inf")]
                if pts:
                    series.append((legend(t.get("legendFormat"), r["metric"]), pts))
        x0 = 10 + (i % COLS) * (W + 10)
        y0 = 10 + (i // COLS) * (H + 10)
        svg += panel_svg(p, series, x0, y0, start, end, unit)
    svg.append("</svg>")
    Path(out_path).write_text("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
