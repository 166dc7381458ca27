#!/usr/bin/env python3
"""Checks deploy/grafana/nimbus-dashboard.json against a live cluster.

  grafana_check.py DASHBOARD PROMETHEUS_URL METRICS_URL...

- the file parses as a Grafana dashboard (uid, title, panels with ids and
  non-overlapping grid positions, a Prometheus datasource variable);
- every metric name a query uses (and every one in the alert rules given
  with --rules) is exported by one of the live /metrics endpoints;
- every query runs on the real Prometheus server without error, and the
  overview queries return data.
"""
import json
import re
import sys
import urllib.parse
import urllib.request

NAME = re.compile(r"\bnimbus_[a-z0-9_]+\b")


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode()


def exported_names(urls):
    names = set()
    for u in urls:
        for line in fetch(u).splitlines():
            if line and not line.startswith("#"):
                names.add(re.split(r"[{ ]", line, 1)[0])
    return names


def main():
    args = sys.argv[1:]
    rules = None
    if "--rules" in args:
        i = args.index("--rules")
        rules = args[i + 1]
        del args[i:i + 2]
    dashboard, prom, metric_urls = args[0], args[1], args[2:]
    d = json.load(open(dashboard))
    errors = []
    for key in ("uid", "title", "panels", "templating"):
        if key not in d:
            errors.append(f"dashboard has no '{key}'")
    variables = {v["name"]: v for v in d.get("templating", {}).get("list", [])}
    if variables.get("datasource", {}).get("query") != "prometheus":
        errors.append("no Prometheus datasource variable named 'datasource'")

    exprs = []
    ids = set()
    cells = {}
    for p in d["panels"]:
        if p["id"] in ids:
            errors.append(f"duplicate panel id {p['id']}")
        ids.add(p["id"])
        g = p["gridPos"]
        if g["x"] + g["w"] > 24:
            errors.append(f"panel '{p['title']}' is wider than the grid")
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                if (x, y) in cells:
                    errors.append(f"panels '{cells[(x, y)]}' and '{p['title']}' overlap")
                    break
                cells[(x, y)] = p["title"]
        if p["type"] == "row":
            continue
        if p.get("datasource", {}).get("uid") != "${datasource}":
            errors.append(f"panel '{p['title']}' does not use the datasource variable")
        if not p.get("targets"):
            errors.append(f"panel '{p['title']}' has no query")
        for t in p.get("targets", []):
            exprs.append((p["title"], t["expr"]))

    live = exported_names(metric_urls)
    used = {(title, n) for title, e in exprs for n in NAME.findall(e)}
    if rules:
        for n in NAME.findall(open(rules).read()):
            used.add(("alert rules", n))
    for title, n in sorted(used):
        if n not in live:
            errors.append(f"{title}: metric {n} is not exported by any server")

    for title, e in exprs:
        q = e.replace("$__rate_interval", "1m")
        url = f"{prom}/api/v1/query?query=" + urllib.parse.quote(q)
        try:
            r = json.loads(fetch(url))
        except Exception as ex:  # HTTP 400 carries the parse error
            errors.append(f"{title}: Prometheus refused `{e}`: {ex}")
            continue
        if r.get("status") != "success":
            errors.append(f"{title}: `{e}`: {r}")
        elif title in ("ACTIVE storages", "Storage servers") and not r["data"]["result"]:
            errors.append(f"{title}: `{e}` returned no data")

    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    print(f"grafana dashboard: {len(d['panels'])} panels, {len(exprs)} queries, "
          f"{len({n for _, n in used})} metric names, all exported and accepted by Prometheus")
    return 0


if __name__ == "__main__":
    sys.exit(main())
