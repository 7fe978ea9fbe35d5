"""The report of a run with the Solr engine: every system side by side, the Solr engine's
searches query by query, its nodes' memory and the node killed under load."""

from __future__ import annotations


def _ms(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}" if v >= 1 else f"{v:.2f}"


def _pair(d: dict | None) -> str:
    return f"{_ms(d.get('p50_ms'))} / {_ms(d.get('p95_ms'))}" if d else "–"


def _size(b: int | None) -> str:
    if not b:
        return "–"
    return f"{b / 1e9:.2f} GB" if b >= 1e9 else f"{b / 1e6:.0f} MB"


def _load(c: dict | None) -> tuple[str, str]:
    """(researchers p99 ms, back-to-back requests/s) at the largest number of clients,
    each with the cores other work on the machine used meanwhile."""
    if not c or not c.get("runs"):
        return "–", "–"
    most = max(x["clients"] for x in c["runs"])
    by_mode = {x["mode"]: x for x in c["runs"] if x["clients"] == most}
    out = []
    for mode, value in (
        ("researchers", lambda x: f"{x['latency'].get('p99_ms', 0):,.0f} ms"),
        ("saturation", lambda x: f"{x['requests_per_s']:.1f}/s"),
    ):
        x = by_mode.get(mode)
        if x is None:
            out.append("–")
            continue
        errors = f", {x['errors']} errors" if x["errors"] else ""
        out.append(f"{value(x)} ({most} clients{errors}; other {x['cpu']['other_cores']:.2f})")
    return out[0], out[1]


def _found(inc: dict | None) -> str:
    if not inc:
        return "–"
    return f"{inc.get('visible_core_s')} / {inc.get('visible_http_s')} s"


def side_by_side(r: dict) -> list[str]:
    rows = []
    b = r.get("build", {})
    if "missive_core" in r:
        bw = b["missive"]
        researchers, ceiling = _load(r.get("concurrent"))
        rows.append(
            f"| Missive on Whoosh | {bw['seconds']:,.0f} s ({bw['letters_per_s']}/s) | "
            f"{_size(bw['index_bytes'])} | {_pair(r['missive_core'])} | "
            f"{_pair(r.get('missive_http'))} | {_found(r.get('incremental'))} | {researchers} | "
            f"{ceiling} | worker {r.get('memory', {}).get('gunicorn_worker_peak_mb', '–')} MB |"
        )
    s = r.get("solr")
    if s:
        bs = s["build"]
        researchers, ceiling = _load(s.get("concurrent"))
        mem = s.get("memory_after_concurrent") or s.get("memory_after_queries") or []
        rss = " + ".join(f"{m['rss_mb']:,.0f}" for m in mem)
        rows.append(
            f"| Missive on Solr ({bs['shards']}×{bs['replicas']}, {len(s['nodes'])} nodes) | "
            f"{bs['seconds']:,.0f} s ({bs['letters_per_s']}/s) | "
            f"{_size(bs['index_bytes_one_copy'])} a copy, {_size(bs['index_bytes'])} in all | "
            f"{_pair(s['core'])} | {_pair(s['http'])} | {_found(s.get('incremental'))} | "
            f"{researchers} | {ceiling} | nodes' RSS {rss} MB |"
        )
    bf = b.get("fts5")
    if bf:
        ds = r.get("datasette")
        rows.append(
            f"| SQLite FTS5 (HTTP: Datasette) | {bf['seconds']:,.0f} s "
            f"({bf['letters_per_s']}/s) | {_size(bf['db_bytes'])} | {_pair(r.get('fts5'))} | "
            f"{_pair(ds) if ds else 'not run'} | – | – | – | "
            f"{r.get('memory', {}).get('datasette_peak_mb', '–')} MB |"
        )
    return [
        "| system | build | index on disk | in-process p50 / p95 ms | HTTP p50 / p95 ms | "
        "add → found in-process / HTTP | researchers p99 | back to back | memory |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
    ]


def per_query(r: dict) -> list[str]:
    s = r["solr"]
    whoosh = r.get("missive_core", {}).get("per_query", {})
    lines = [
        "| query | hits Whoosh / Solr / FTS5 | Solr in-process | Solr HTTP | FTS5 |",
        "|---|---:|---:|---:|---:|",
    ]
    for q in r["queries"]:
        name = q["name"]
        c, h = s["core"]["per_query"].get(name, {}), s["http"]["per_query"].get(name, {})
        f = r["fts5"]["per_query"].get(name, {})
        hits = f"{whoosh.get(name, {}).get('total', '–')} / {c.get('total', '–')} / " \
               f"{f.get('total', '–')}"
        label = f"{q['kind']} `{q['q']}`" if q["variant"] == "alone" else f"… + {q['variant']}"
        lines.append(f"| {label} | {hits} | {_pair(c)} | {_pair(h)} | {_pair(f)} |")
    return lines


def node_kill(k: dict) -> list[str]:
    lines = [
        f"{k['clients']} clients searching back to back through `/api/search` for "
        f"{k['duration_s']:g} s; `kill -9` of {k['victim']} at {k.get('killed_at_s')} s, "
        f"started again at {k.get('restart_at_s')} s, live at {k.get('live_at_s')} s, its "
        f"replicas active at {k.get('replicas_active_at_s')} s. A search fails on any "
        "answer but 200 with the hit count it had with both nodes up.",
        "",
        "| window | searches | failed | p50 / p99 / max ms | over 1 s |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, label in (
        ("before_kill", "both nodes up"),
        ("node_down", "one node killed"),
        ("recovering", "node restarted, replicas recovering"),
        ("after_recovery", "recovered"),
    ):
        w = k[key]
        failures = f" ({w['failures']})" if w["failed"] else ""
        lines.append(
            f"| {label} | {w['searches']} | {w['failed']}{failures} | "
            f"{_ms(w['p50_ms'])} / {_ms(w['p99_ms'])} / {_ms(w['max_ms'])} | "
            f"{w.get('over_1s', '–')} |"
        )
    lines += ["", f"In all: {k['searches']} searches, {k['failed']} failed."]
    return lines


def solr_section(r: dict) -> str:
    s = r["solr"]
    bs = s["build"]
    cpu = bs["cpu_ms_per_letter"]
    lines = [
        "### Side by side",
        "",
        *side_by_side(r),
        "",
        "Build: letters/s from the first letter read to the collection served (Solr: "
        f"`indexing.build` streaming batches into a new {bs['shards']} × {bs['replicas']} "
        f"collection, replicas on nodes {bs['placement']}); CPU per letter "
        f"{cpu['reader']} ms reading letters (Python), {cpu['solr_nodes']} ms in the Solr "
        "nodes (all replicas). HTTP: `/api/search` on gunicorn (Datasette's JSON API for "
        "FTS5). Researchers: p99 latency of clients pausing 1–3 s; back to back: requests/s "
        "with no pause (the ceiling); *other*: cores used by other work on the machine "
        "meanwhile.",
        "",
        "Solr nodes' memory (resident set of each JVM; heap in use of its maximum): "
        + "; ".join(
            f"{stage} "
            + ", ".join(
                f":{m['port']} {m['rss_mb']:,.0f} MB ({m.get('heap_used_mb', 0):,.0f} of "
                f"{m.get('heap_max_mb', 0):,.0f} MB heap)"
                for m in s.get(key) or []
            )
            for stage, key in (
                ("after the build", "memory_after_build"),
                ("after the mix", "memory_after_queries"),
                ("after the concurrent clients", "memory_after_concurrent"),
            )
            if s.get(key)
        )
        + ".",
        "",
        f"### Solr: search latency, ms (p50 / p95), 18 searches × {r['rounds']} rounds",
        "",
        *per_query(r),
    ]
    if s.get("concurrent"):
        from . import load

        lines += ["", load.markdown(s["concurrent"]).replace(
            "### Concurrent clients", "### Solr: concurrent clients")]
    if s.get("node_kill"):
        lines += ["", "### Solr: a node killed under load", "", *node_kill(s["node_kill"])]
    return "\n".join(lines) + "\n"


def markdown(r: dict) -> str:
    """The report of a run without the Whoosh engine's full phases (a large N)."""
    m, g = r["machine"], r["generate"]
    return (
        f"## Missive benchmark: N = {r['n']:,} letters (seed {r['seed']}), "
        f"{r['started'][:10]}, engines {', '.join(r.get('engines', []))}\n\n"
        f"Machine: {m.get('cpus')} cores ({m.get('cpu', '?')}), {m.get('memory_gb', '?')} GB; "
        f"Python {m['python']}, SQLite {m['sqlite']}. Archive: {g['letters']:,} letters, "
        f"{g['pages']:,} pages, {g['text_bytes'] / 1e6:.1f} MB of text; generated in "
        f"{g['seconds']} s" + (" (reused)" if g["reused"] else "") + f". Whole run "
        f"{r['seconds']} s.\n\n" + (solr_section(r) if r.get("solr") else "\n".join(
            ["### Side by side", "", *side_by_side(r)]) + "\n")
    )
