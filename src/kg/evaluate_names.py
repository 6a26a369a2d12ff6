"""Precision and recall against a gold standard written by names, not by the graph's keys.

The development corpus's gold (``tests/gold/dev/*.yaml``, schema in its README) names every
organisation, place and person as a careful reader would, with the surface forms the text
uses, and states the other facts (offices, closures, handovers, agreements, figures, dates)
by those names. Nothing in it depends on how the pipeline keys its nodes, so it can judge a
pipeline that has never seen the documents.

Found entities are tied to gold entities by *where* the text names them: a node whose
evidence passages overlap the occurrences of a gold entity's names in the document is that
entity (inflection, articles and the pipeline's choice of key do not matter). A node that
overlaps none is an extra; two nodes for one gold entity count once, the other as an extra.
Facts are then compared through that correspondence. Gold entries marked ``doubtful`` count
when found and are not missed when not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from .datafile import load_yaml
from .evaluate import Score, match_one_to_one, same_activity_type, scheme_broader
from .namespaces import PREFIXES

KINDS = ("organisations", "places", "people", "offices", "dates", "figures", "closures", "handovers", "agreements")
EXTRA_KINDS = ("activities", "openings", "document")
ENTITY_CLASSES = {
    "organisations": ("kg:Organisation", "kg:Movement"),
    "places": ("kg:Place",),
    "people": ("kg:Person",),
}
_PREFIXES = "".join(f"PREFIX {p}: <{n}>\n" for p, n in PREFIXES.items())




def norm(text) -> str:
    """A name compared: case folded, quotes, possessives and articles dropped."""
    t = str(text or "").casefold().replace("’", "'")
    t = re.sub(r"'s\b", "", t)
    t = re.sub(r"[^\w\s-]", " ", t)
    t = re.sub(r"^(the|a|an)\s+", "", " ".join(t.split()))
    return t


def _occurrences(text: str, names: list[str]) -> list[tuple[int, int]]:
    spans = []
    for name in names:
        name = name.lstrip("~").strip()
        if len(name) < 2:
            continue
        for m in re.finditer(re.escape(name), text):
            spans.append((m.start(), m.end()))
    return spans


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _shared(a: tuple[int, int], b: tuple[int, int]) -> int:
    """How many characters two spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


class DocumentGraph:
    """What one document's named graph states, as rows."""

    def __init__(self, store: ox.Store, graph: str):
        self.store = store
        self.graph = graph

    def rows(self, where: str) -> list[dict]:
        q = f"{_PREFIXES}SELECT * WHERE {{ GRAPH <{self.graph}> {{ {where} }} }}"
        result = self.store.query(q)
        names = [v.value for v in result.variables]
        return [{n: (sol[i].value if sol[i] is not None else None) for i, n in enumerate(names)} for sol in result]

    def entities(self, classes: tuple[str, ...]) -> dict[str, list[tuple[int, int]]]:
        """Nodes of these classes with the passages (original offsets) that name them."""
        values = " ".join(classes)
        out: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for r in self.rows(f"VALUES ?c {{ {values} }} ?e a ?c ; kg:hasEvidence ?ev . "
                           "?ev oa:hasSelector ?p . ?p a oa:TextPositionSelector ; oa:start ?s ; oa:end ?x"):
            out[r["e"]].append((int(r["s"]), int(r["x"])))
        return out

    def labels(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for r in self.rows("?e ?p ?l . VALUES ?p { skos:prefLabel skos:altLabel }"):
            out[r["e"]].add(norm(r["l"]))
        return out

    def text(self) -> str:
        rows = self.rows("?d a kg:SourceDocument ; cnt:chars ?t")
        return rows[0]["t"] if rows else ""


class Correspondence:
    """Found nodes tied to gold entities (by the passages that name them)."""

    def __init__(self, kind: str, gold: list[dict], found: dict[str, list[tuple[int, int]]], text: str,
                 labels: dict[str, set[str]]):
        self.kind = kind
        self.gold = gold
        self.labels = labels
        self.by_node: dict[str, str] = {}  # node IRI -> gold name
        occurrences = {g["name"]: _occurrences(text, [g["name"], *(g.get("names") or [])]) for g in gold}
        for node, spans in found.items():
            # each passage counts for the gold entity whose name covers most of it: "Саратовскую
            # область" is Saratov Oblast, though "Саратов" (the city) occurs inside it
            votes: dict[str, int] = defaultdict(int)
            for s in spans:
                cover = {g["name"]: max((_shared(s, o) for o in occurrences[g["name"]]), default=0) for g in gold}
                top = max(cover.values(), default=0)
                for name, c in cover.items():
                    if top and c == top:
                        votes[name] += 1
            best, best_n = None, 0
            for g in gold:
                if votes[g["name"]] > best_n:
                    best, best_n = g["name"], votes[g["name"]]
            if best is not None:
                self.by_node[node] = best
        self.found = found

    def score(self) -> Score:
        score = Score()
        covered: set[str] = set()
        for node in sorted(self.found):
            name = self.by_node.get(node)
            if name is None or name in covered:
                score.fp += 1
                score.extras.append(node.rsplit("/", 1)[-1] + ("" if name is None else f" (again {name})"))
            else:
                covered.add(name)
                score.tp += 1
        for g in self.gold:
            if g["name"] not in covered and not g.get("doubtful"):
                score.fn += 1
                score.misses.append(g["name"])
        return score

    def name(self, node: str | None) -> str | None:
        """The gold name of a node, by its passages or else by its labels."""
        if node is None:
            return None
        if node in self.by_node:
            return self.by_node[node]
        labels = self.labels.get(node, set())
        for g in self.gold:
            if norm(g["name"]) in labels or any(norm(n.lstrip("~")) in labels for n in g.get("names") or []):
                return g["name"]
        return None


def _match(found: list, gold: list[dict], same) -> Score:
    return match_one_to_one(found, gold, same, optional=lambda g: g.get("doubtful"), miss=lambda g: g.get("text") or g)


def _iso_of(iri_or_value: str | None) -> str | None:
    return iri_or_value.rsplit("/", 1)[-1] if iri_or_value else None


def score_document(graph: DocumentGraph, gold: dict, broader: dict[str, set[str]] | None = None) -> dict[str, Score]:
    text = graph.text()
    labels = graph.labels()
    ents = {kind: Correspondence(kind, gold.get(kind) or [], graph.entities(classes), text, labels)
            for kind, classes in ENTITY_CLASSES.items()}
    orgs, places = ents["organisations"], ents["places"]
    scores = {kind: c.score() for kind, c in ents.items()}

    # offices: organisation and place
    found_offices = defaultdict(lambda: {"org": None, "places": set()})
    for r in graph.rows("?o a kg:Office ; org:unitOf ?org . OPTIONAL { ?o kg:inPlace ?p }"):
        f = found_offices[r["o"]]
        f["org"] = orgs.name(r["org"])
        if r["p"]:
            f["places"].add(places.name(r["p"]))

    def office_same(f, g):
        return f["org"] == g.get("org") and bool({g.get("place"), g.get("settlement")} & f["places"] - {None})

    scores["offices"] = _match(list(found_offices.values()), gold.get("offices") or [], office_same)

    # closures: the closed unit's organisation and place
    found_closures = defaultdict(lambda: {"org": None, "places": set()})
    for r in graph.rows("?c a kg:Closure ; kg:closedUnit ?o . ?o org:unitOf ?org . OPTIONAL { ?o kg:inPlace ?p }"):
        f = found_closures[r["c"]]
        f["org"] = orgs.name(r["org"])
        if r["p"]:
            f["places"].add(places.name(r["p"]))

    def closure_same(f, g):
        return f["org"] == g.get("org") and (not g.get("place") or g.get("place") in f["places"])

    scores["closures"] = _match(list(found_closures.values()), gold.get("closures") or [], closure_same)

    found_openings = []
    for r in graph.rows("?e a kg:Opening ; kg:openedUnit ?o . ?o org:unitOf ?org . OPTIONAL { ?o kg:inPlace ?p }"):
        found_openings.append({"org": orgs.name(r["org"]), "place": places.name(r["p"]) if r["p"] else None})
    scores["openings"] = _match(found_openings, gold.get("openings") or [],
                                lambda f, g: f["org"] == g.get("org") and (not g.get("place") or f["place"] == g.get("place")))

    # handovers: giver and receiver
    found_handovers = [{"giver": orgs.name(r["g"]), "receiver": orgs.name(r["r"])}
                       for r in graph.rows("?h a kg:Handover ; kg:receiver ?r . OPTIONAL { ?h kg:giver ?g }")]
    scores["handovers"] = _match(found_handovers, gold.get("handovers") or [],
                                 lambda f, g: f["receiver"] == g.get("receiver")
                                 and (f["giver"] == g.get("giver") or not g.get("giver")))

    # agreements: a party in common (or the same signing date)
    found_agreements = defaultdict(lambda: {"parties": set(), "signed": None})
    for r in graph.rows("?a a kg:Agreement . OPTIONAL { ?a kg:party|kg:signatory|kg:ratifiedBy ?x } "
                        "OPTIONAL { ?a kg:signedOn ?t . ?t time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?d }"):
        f = found_agreements[r["a"]]
        if r["x"]:
            f["parties"].add(orgs.name(r["x"]))
        if r["d"]:
            f["signed"] = r["d"]

    def agreement_same(f, g):
        parties = set(g.get("parties") or [])
        return bool(parties & f["parties"]) or (g.get("signed") is not None and str(g["signed"]) == f["signed"])

    scores["agreements"] = _match(list(found_agreements.values()), gold.get("agreements") or [], agreement_same)

    # figures: value and qualifier
    found_figures = []
    for r in graph.rows("?f a kg:Figure ; kg:qualifier ?q . OPTIONAL { ?f kg:value ?v } "
                        "OPTIONAL { ?f kg:hasEvidence ?ev . ?ev oa:hasSelector ?p . ?p a oa:TextPositionSelector ; oa:start ?s ; oa:end ?e }"):
        found_figures.append({"value": float(r["v"]) if r["v"] is not None else None,
                              "qualifier": r["q"].rsplit("#", 1)[-1],
                              "span": (int(r["s"]), int(r["e"])) if r["s"] else None})
    found_figures = list({(f["value"], f["qualifier"], f["span"]): f for f in found_figures}.values())

    def figure_same(f, g):
        value = g.get("value")
        if isinstance(value, list):
            return f["value"] is not None and f["value"] in {float(v) for v in value}
        if value is None:
            spans = _occurrences(text, [g.get("text") or ""])
            return f["value"] is None and f["span"] is not None and any(_overlap(f["span"], s) for s in spans)
        return f["value"] == float(value) and (f["qualifier"] == g.get("qualifier") or g.get("qualifier") == "range")

    scores["figures"] = _match(found_figures, gold.get("figures") or [], figure_same)

    # dates: distinct values (instants) and (begin, end) pairs (periods)
    found_dates = set()
    for r in graph.rows("?i a time:Instant ; kg:hasEvidence ?e . ?i time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?v"):
        found_dates.add(("instant", r["v"]))
    for r in graph.rows("?p a kg:Period ; kg:hasEvidence ?e ; time:hasBeginning ?b ; time:hasEnd ?x . "
                        "?b time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?bv . "
                        "?x time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?xv"):
        found_dates.add(("interval", (r["bv"], r["xv"])))
    gold_dates = []
    for g in gold.get("dates") or []:
        if g.get("begin") is not None and g.get("end") is not None:
            gold_dates.append({"key": ("interval", (str(g["begin"]), str(g["end"]))), **g})
        elif g.get("value") is not None:
            gold_dates.append({"key": ("instant", str(g["value"])), **g})
    unique = {d["key"]: d for d in gold_dates}
    scores["dates"] = _match(sorted(found_dates, key=str), list(unique.values()), lambda f, g: f == g["key"])

    # activities: organisation and place (and type when the gold gives one: the same, or one
    # directly broader or narrower, as for the first corpus)
    found_acts = []
    for r in graph.rows("?a a kg:Activity ; kg:performedBy ?org . OPTIONAL { ?a kg:activityType ?t } OPTIONAL { ?a kg:inPlace ?p }"):
        found_acts.append({"org": orgs.name(r["org"]), "type": _iso_of(r["t"]),
                           "place": places.name(r["p"]) if r["p"] else None})
    found_acts = [dict(t) for t in {tuple(sorted(f.items())) for f in found_acts}]
    scores["activities"] = _match(found_acts, gold.get("activities") or [],
                                  lambda f, g: f["org"] == g.get("org") and f["place"] == g.get("place")
                                  and (not g.get("type") or same_activity_type(f["type"], g["type"], broader or {})))

    # the document itself: title, date, dateline
    doc_rows = graph.rows("?d a kg:SourceDocument . OPTIONAL { ?d dcterms:title ?title } "
                          "OPTIONAL { ?d dcterms:date ?date } OPTIONAL { ?d kg:dateline ?dl }")
    found_doc = []
    for r in doc_rows[:1]:
        if r["title"]:
            found_doc.append(("title", norm(r["title"])))
        if r["date"]:
            found_doc.append(("date", r["date"]))
        if r["dl"]:
            found_doc.append(("dateline", places.name(r["dl"])))
    gold_doc = [{"key": (k, norm(gold[k]) if k == "title" else str(gold[k])), "text": f"{k}: {gold[k]}"}
                for k in ("title", "date", "dateline") if gold.get(k)]
    scores["document"] = _match(found_doc, gold_doc, lambda f, g: f == g["key"])
    return scores


def evaluate(store: ox.Store, gold_dir: Path, base_iri: str) -> tuple[dict[str, Score], dict[str, dict[str, Score]]]:
    totals = {k: Score() for k in KINDS + EXTRA_KINDS}
    per_doc: dict[str, dict[str, Score]] = {}
    files = sorted(gold_dir.glob("*.yaml"))
    if not files:
        raise FileNotFoundError(f"no gold files (*.yaml) in {gold_dir}")
    broader = scheme_broader(store)
    for path in files:
        gold = load_yaml(path)
        doc_id = Path(gold["document"]).stem
        scores = score_document(DocumentGraph(store, f"{base_iri}graph/document/{doc_id}"), gold, broader)
        per_doc[doc_id] = scores
        for k, s in scores.items():
            totals[k].add(s)
    return totals, per_doc


def table(totals: dict[str, Score]) -> str:
    lines = ["| kind | precision | recall | found | gold |", "|---|---:|---:|---:|---:|"]
    for k in KINDS + EXTRA_KINDS:
        s = totals[k]
        lines.append(f"| {k} | {s.precision:.2f} | {s.recall:.2f} | {s.tp + s.fp} | {s.tp + s.fn} |")
    return "\n".join(lines)
