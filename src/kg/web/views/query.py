"""The query page: an editor with the competency queries as examples, results as a table.

The endpoint (/sparql, kg.web.sparql) shows ``sparql_form.html`` to a browser that asks
for it without a query; /query shows the same page and takes ``?query=`` to fill the
editor. The page's script (static/query.js) runs the query through /sparql itself (``fetch``,
asking for SPARQL JSON) and draws the table; nothing comes from another host.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from flask import current_app, has_request_context, render_template, request

from ...namespaces import PREFIXES
from ..graph import i18n
from . import site

_lock = threading.Lock()
_examples: dict[str, list[dict]] = {}


def load_examples(queries_dir: Path) -> list[dict]:
    """[{id, question, query}] from queries/cq*.rq, the question from each file's first comment."""
    out = []
    for path in sorted(queries_dir.glob("cq*.rq")):
        text = path.read_text(encoding="utf-8")
        question = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            body = line.lstrip("#").strip()
            if not body:
                break
            question.append(body)
        q = " ".join(question)
        m = re.match(r"(CQ\d+)\s*[—-]\s*(.*)", q)
        out.append({"id": path.stem, "name": m.group(1) if m else path.stem,
                    "question": m.group(2) if m else q, "query": text})
    return out


def examples() -> list[dict]:
    root = current_app.config["KG_SETTINGS"].root / "queries"
    with _lock:
        hit = _examples.get(str(root))
        if hit is None:
            hit = _examples[str(root)] = load_examples(root) if root.is_dir() else []
        return hit


def page_context() -> dict:
    """What the query page needs, on /query and on the endpoint's own page (/sparql)."""
    if not has_request_context() or request.path.rstrip("/") not in ("/sparql", "/query"):
        return {}
    lang = site.language()
    words = {k: i18n.t(k, lang) for k in ("rows", "download", "share", "page-of", "previous", "next",
                                          "prefix-added", "unknown-prefix", "error-at", "query-error", "running",
                                          "sort-hint")}
    return {"examples": examples(), "prefixes": PREFIXES, "initial_query": request.args.get("query", ""),
            "query_words": words}


def query_page():
    return render_template("sparql_form.html", title=i18n.t("query", site.language()))
