"""Quality gates: SHACL (pyshacl-turbo) on the data, OWL consistency (owlready2 + HermiT).

Both return a :class:`ValidationReport` a person can read; neither raises on a
non-conforming graph, so the caller decides whether to refuse it.
"""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .namespaces import OA

SH = "http://www.w3.org/ns/shacl#"


@dataclass
class Finding:
    severity: str  # Violation | Warning | Info
    shape: str
    focus: str
    focus_label: str
    path: str
    message: str
    passage: str = ""


@dataclass
class ValidationReport:
    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    report_graph: Graph | None = None
    seconds: float = 0.0
    reasoner: str = ""  # outcome of the OWL check, if run

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    def text(self) -> str:
        lines = []
        for severity in ("Violation", "Warning", "Info"):
            group = [f for f in self.findings if f.severity == severity]
            if not group:
                continue
            lines.append(f"{severity}s: {len(group)}")
            by_shape: dict[str, list[Finding]] = {}
            for f in group:
                by_shape.setdefault(f.shape, []).append(f)
            for shape, fs in sorted(by_shape.items()):
                lines.append(f"  {shape} ({len(fs)})")
                for f in fs[:50]:
                    who = f"{f.focus_label} <{f.focus}>" if f.focus_label else f"<{f.focus}>"
                    lines.append(f"    - {who}: {f.message}" + (f" [path {f.path}]" if f.path else ""))
                    if f.passage:
                        lines.append(f"      passage: {f.passage!r}")
                if len(fs) > 50:
                    lines.append(f"    … and {len(fs) - 50} more")
        if self.reasoner:
            lines.append(f"OWL reasoner: {self.reasoner}")
        lines.append(("conforms" if self.conforms else "does NOT conform") + f" ({self.seconds:.1f} s)")
        return "\n".join(lines)


def load_shapes(shapes_dir: Path) -> Graph:
    g = Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def _short(g: Graph, term) -> str:
    try:
        return g.namespace_manager.normalizeUri(term)
    except Exception:
        return str(term)


def _label(data: Graph, node) -> str:
    for p in (SKOS.prefLabel, RDFS.label, SKOS.altLabel):
        labels = list(data.objects(node, p))
        if labels:
            en = [l for l in labels if isinstance(l, Literal) and l.language == "en"]
            return str((en or labels)[0])
    return ""


def _passage(data: Graph, node) -> str:
    for sel in data.objects(node, OA.hasSelector):
        for exact in data.objects(sel, OA.exact):
            return str(exact)
    return ""


def _with_class_hierarchy(data: Graph, ontology: Graph | None) -> Graph:
    """The data plus the ontology's named subclass axioms, which sh:targetClass follows.

    (Passing the whole ontology to pyshacl as ont_graph costs ~30 s; this costs nothing.)
    """
    g = Graph()
    g.namespace_manager = data.namespace_manager
    for t in data:
        g.add(t)
    if ontology is not None:
        for t in ontology.triples((None, RDFS.subClassOf, None)):
            if isinstance(t[2], URIRef):
                g.add(t)
    return g


def _without_sparql(shapes: Graph) -> Graph:
    g = Graph()
    g.namespace_manager = shapes.namespace_manager
    for t in shapes:
        if t[1] != URIRef(SH + "sparql"):
            g.add(t)
    return g


_compiled: dict[int, tuple[Graph, object]] = {}  # id(shapes graph) -> (it, its compiled core shapes)


def compiled_core_shapes(shapes: Graph):
    """The shapes' core constraints compiled once per shapes graph (pyshacl-turbo), reused
    for every graph validated against them: per document, a build validates thousands."""
    import pyshacl_turbo

    entry = _compiled.get(id(shapes))
    if entry is None or entry[0] is not shapes:
        entry = (shapes, pyshacl_turbo.CompiledShapes(_without_sparql(shapes), advanced=True))
        _compiled[id(shapes)] = entry
    return entry[1]


def shacl_validate(data: Graph, shapes: Graph, ontology: Graph | None = None) -> ValidationReport:
    """Core SHACL through pyshacl-turbo (pySHACL's semantics and reports, in Rust: the same
    results as pyshacl on this project's shapes, 10× faster); SHACL-SPARQL constraints
    through Oxigraph (see below)."""
    t0 = time.perf_counter()
    full = _with_class_hierarchy(data, ontology)
    conforms, report, _ = compiled_core_shapes(shapes).validate(full, inference="none", allow_warnings=True)
    sh = lambda local: URIRef(SH + local)  # noqa: E731
    findings = []
    for result in report.subjects(RDF.type, sh("ValidationResult")):
        severity = str(report.value(result, sh("resultSeverity"))).rsplit("#", 1)[-1]
        focus = report.value(result, sh("focusNode"))
        shape = report.value(result, sh("sourceShape"))
        path = report.value(result, sh("resultPath"))
        msgs = list(report.objects(result, sh("resultMessage")))
        findings.append(
            Finding(
                severity=severity,
                shape=_short(shapes, shape) if shape is not None else "",
                focus=str(focus),
                focus_label=_label(data, focus),
                path=_short(data, path) if path is not None else "",
                message=" ".join(str(m) for m in msgs) or "(no message)",
                passage=_passage(data, focus),
            )
        )
    for f in sparql_constraint_findings(full, shapes, report):
        findings.append(f)
    findings.sort(key=lambda f: (f.severity, f.shape, f.focus))
    conforms = not any(f.severity == "Violation" for f in findings)
    report.set((next(report.subjects(RDF.type, sh("ValidationReport"))), sh("conforms"), Literal(conforms)))
    return ValidationReport(
        conforms=conforms,
        findings=findings,
        report_graph=report,
        seconds=time.perf_counter() - t0,
    )


def disagreements_as_warnings(report: ValidationReport, documents: list[Graph], shapes: Graph,
                              ontology: Graph | None = None) -> ValidationReport:
    """Tell a document's own error from documents disagreeing.

    A violation of the union that no single document's graph commits (an office whose
    documents give two different beginnings) is a disagreement between documents: each
    document's claims stand in its own graph, so it is reported as a warning naming the
    disagreement, never a reason to refuse a document. A violation some document commits
    on its own stays a violation."""
    wanted = {(f.shape, f.focus) for f in report.violations}
    if not wanted:
        return report
    own: set[tuple[str, str]] = set()
    for g in documents:
        focus = {str(n) for n in set(g.subjects()) | set(g.objects())}
        if not any(f in focus for _, f in wanted):
            continue
        for f in shacl_validate(g, shapes, ontology).violations:
            own.add((f.shape, f.focus))
    findings = []
    for f in report.findings:
        if f.severity == "Violation" and (f.shape, f.focus) not in own:
            f = Finding("Warning", f.shape, f.focus, f.focus_label, f.path,
                        "Documents disagree (each is consistent on its own): " + f.message, f.passage)
        findings.append(f)
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationReport(conforms, findings, report.report_graph, report.seconds, report.reasoner)


# -- SHACL-SPARQL on Oxigraph -------------------------------------------------------
#
# pyshacl runs each sh:select once per focus node in rdflib's SPARQL evaluator: ~90 s
# for this corpus. The same constraint evaluated once with $this left unbound, in
# Oxigraph, and restricted to the shape's focus nodes gives the same results (SHACL
# 1.0 §5.3.1: $this is pre-bound to each focus node) in milliseconds.

def _prefix_block(shapes: Graph, constraint) -> str:
    lines = []
    for decl in shapes.objects(None, URIRef(SH + "declare")):
        prefix = shapes.value(decl, URIRef(SH + "prefix"))
        ns = shapes.value(decl, URIRef(SH + "namespace"))
        if prefix is not None and ns is not None:
            lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(set(lines)))


def _focus_nodes(data: Graph, shapes: Graph, shape) -> set:
    nodes = set()
    for cls in shapes.objects(shape, URIRef(SH + "targetClass")):
        classes = set(data.transitive_subjects(RDFS.subClassOf, cls)) | {cls}
        for c in classes:
            nodes.update(data.subjects(RDF.type, c))
    nodes.update(shapes.objects(shape, URIRef(SH + "targetNode")))
    for p in shapes.objects(shape, URIRef(SH + "targetSubjectsOf")):
        nodes.update(data.subjects(p, None))
    for p in shapes.objects(shape, URIRef(SH + "targetObjectsOf")):
        nodes.update(data.objects(None, p))
    return nodes


def _term_text(term) -> str:
    value = getattr(term, "value", None)
    return str(value if value is not None else term)


def sparql_constraint_findings(data: Graph, shapes: Graph, report: Graph) -> list[Finding]:
    import re

    import pyoxigraph as ox
    from rdflib import BNode

    sh = lambda local: URIRef(SH + local)  # noqa: E731
    store = ox.Store()
    store.bulk_load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    report_node = next(report.subjects(RDF.type, sh("ValidationReport")))
    findings = []
    for shape, constraint in shapes.subject_objects(sh("sparql")):
        if shapes.value(shape, sh("deactivated")) == Literal(True):
            continue
        select = str(shapes.value(constraint, sh("select")))
        severity_node = shapes.value(constraint, sh("severity")) or shapes.value(shape, sh("severity")) or sh("Violation")
        severity = str(severity_node).rsplit("#", 1)[-1]
        template = str(shapes.value(constraint, sh("message")) or shapes.value(shape, sh("message")) or "")
        query = _prefix_block(shapes, constraint) + "\n" + select.replace("$this", "?this")
        focus = {str(n) for n in _focus_nodes(data, shapes, shape)}
        for row in store.query(query):
            this = row["this"]
            if this is None or _term_text(this) not in focus:
                continue
            message = re.sub(
                r"\{[?$](\w+)\}",
                lambda m: _term_text(_safe_get(row, m.group(1)) or ""),
                template,
            )
            focus_ref = URIRef(_term_text(this))
            findings.append(
                Finding(
                    severity=severity,
                    shape=_short(shapes, shape),
                    focus=str(focus_ref),
                    focus_label=_label(data, focus_ref),
                    path="",
                    message=message,
                    passage=_passage(data, focus_ref),
                )
            )
            result = BNode()
            report.add((report_node, sh("result"), result))
            report.add((result, RDF.type, sh("ValidationResult")))
            report.add((result, sh("focusNode"), focus_ref))
            report.add((result, sh("resultSeverity"), severity_node))
            report.add((result, sh("sourceShape"), shape))
            report.add((result, sh("sourceConstraint"), constraint))
            report.add((result, sh("sourceConstraintComponent"), sh("SPARQLConstraintComponent")))
            report.add((result, sh("resultMessage"), Literal(message)))
    return findings


def _safe_get(row, name):
    try:
        return row[name]
    except (KeyError, IndexError, TypeError):
        return None


class InconsistentGraph(Exception):
    def __init__(self, individuals: list[str], detail: str):
        self.individuals = individuals
        super().__init__(
            "the graph is logically inconsistent with the ontology"
            + (f"; individuals involved: {', '.join(individuals)}" if individuals else "")
            + (f"\n{detail}" if detail else "")
        )


class ReasonerFailed(Exception):
    """HermiT could not read or reason over the graph (not an inconsistency: a refusal)."""


#: Characters XML 1.0 cannot carry (HermiT refuses a literal holding one): the sources keep
#: them out (kg.sources.normalise); this keeps them out of the reasoner's copy whatever comes.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _for_hermit(term):
    if isinstance(term, Literal) and _NOT_XML.search(str(term)):
        return Literal(_NOT_XML.sub("\ufffd", str(term)), lang=term.language, datatype=term.datatype)
    return term


def owl_check(data: Graph, ontology: Graph) -> tuple[float, int]:
    """Run HermiT over ontology + data; raise InconsistentGraph naming the individuals, or
    ReasonerFailed when HermiT cannot read the graph.

    Returns (seconds, number of individuals checked).
    """
    import owlready2

    t0 = time.perf_counter()
    merged = Graph()
    for t in ontology:
        merged.add(t)
    for s, p, o in data:
        merged.add((s, p, _for_hermit(o)))
    # owlready2 takes as individuals only what is declared owl:NamedIndividual.
    declared = set(ontology.subjects(RDF.type, None))
    for subject in set(data.subjects(RDF.type, None)) - declared:
        if isinstance(subject, URIRef):
            merged.add((subject, RDF.type, OWL.NamedIndividual))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.nt"
        merged.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            bad = sorted(set(_unsatisfiable(world)))
            raise InconsistentGraph(bad, str(exc).strip().splitlines()[-1] if str(exc).strip() else "") from None
        except owlready2.OwlReadyJavaError as exc:
            lines = [line for line in str(exc).splitlines() if "Exception" in line] or str(exc).splitlines()[-1:]
            raise ReasonerFailed(f"HermiT could not reason over the graph: {lines[0].strip() if lines else exc}") from None
        individuals = len(list(world.individuals()))
    return time.perf_counter() - t0, individuals


def _unsatisfiable(world) -> list[str]:
    """Individuals asserted into classes declared disjoint (the usual cause)."""
    bad = []
    for ind in world.individuals():
        types = set(ind.is_a)
        for cls in list(types):
            for disj in getattr(cls, "disjoints", lambda: [])():
                if any(e in types for e in disj.entities if e is not cls):
                    bad.append(ind.iri)
    return bad
