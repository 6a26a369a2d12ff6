"""The one place for namespaces: vocabulary IRIs and the IRIs the project mints."""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

KG = Namespace("https://w3id.org/humanitarian-kg/ontology#")
AT = Namespace("https://w3id.org/humanitarian-kg/activity-type/")
KGSH = Namespace("https://w3id.org/humanitarian-kg/shapes#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
OA = Namespace("http://www.w3.org/ns/oa#")
CNT = Namespace("http://www.w3.org/2011/content#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
GK = Namespace("https://w3id.org/humanitarian-kg/group-kind/")
PR = Namespace("https://w3id.org/humanitarian-kg/principle/")
SCHEMA = Namespace("https://schema.org/")

#: Prefixes offered to queries and used in serialisations.
PREFIXES: dict[str, str] = {
    "kg": str(KG),
    "at": str(AT),
    "gk": str(GK),
    "pr": str(PR),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "prov": str(PROV),
    "foaf": "http://xmlns.com/foaf/0.1/",
    "time": str(TIME),
    "oa": str(OA),
    "cnt": str(CNT),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}

_SLUG_OK = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class IRIs:
    """Mints the project's IRIs under one configurable base.

    Layout (each resolves on the server at its own path):
      {base}id/{kind}/{slug}           an entity (organisation, office, place, ...)
      {base}id/document/{doc}          a source document
      {base}id/evidence/{doc}/{s}-{e}  a passage of a document (oa:SpecificResource)
      {base}graph/document/{doc}       the named graph of what that document states
      {base}graph/ontology             the ontology and vocabularies
    """

    def __init__(self, base: str):
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def entity(self, kind: str, slug: str) -> URIRef:
        if not _SLUG_OK.match(slug):
            raise ValueError(f"not a valid IRI slug: {slug!r}")
        return URIRef(f"{self.base}id/{kind}/{slug}")

    def document(self, doc_id: str) -> URIRef:
        return URIRef(f"{self.base}id/document/{doc_id}")

    def evidence(self, doc_id: str, start: int, end: int) -> URIRef:
        return URIRef(f"{self.evidence_base}{doc_id}/{start}-{end}")

    @property
    def minted_base(self) -> str:
        """What every IRI of an entity, document or passage starts with."""
        return f"{self.base}id/"

    @property
    def evidence_base(self) -> str:
        """What every passage's IRI starts with."""
        return f"{self.base}id/evidence/"

    def document_graph(self, doc_id: str) -> URIRef:
        return URIRef(f"{self.base}graph/document/{doc_id}")

    def graph(self, name: str) -> URIRef:
        return URIRef(f"{self.base}graph/{name}")


# Latin transliteration for IRI slugs (ICAO-style for Cyrillic; Azerbaijani letters
# without their marks), so that an IRI minted from a Russian or Azerbaijani phrase is
# readable ASCII and the same on every build.
_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "ə": "e", "ı": "i", "ğ": "g", "ş": "s", "ç": "c", "ö": "o", "ü": "u", "İ": "i",
})


def slugify(text: str, max_words: int = 8) -> str:
    """A readable ASCII slug: "İtkin düşmüş şəxslər" -> "itkin-dusmus-sexsler"."""
    import unicodedata

    t = text.lower().translate(_TRANSLIT)
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", t)[:max_words]
    return "-".join(words) or "x"
