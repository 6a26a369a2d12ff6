"""Contact points: how a document tells readers to reach an organisation — an e-mail address,
a telephone number, a contact page, or a line telling them to write to the publisher itself
("visit the Contact Us page … and write to us"). Telling readers to contact *another*
organisation is a referral (kg.facts.referrals); telling them to contact the one speaking is
its contact point, never a referral to itself."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from ..annotate.doc import Doc as DocContext
from ..annotate.names import Mention
from ..claims import Evidence
from ..components import component
from ..config import SUPPORTED_LANGUAGES
from ..namespaces import slugify
from .common import contact_matter

# Shapes of the channels themselves (RFC 5322's common subset, an http(s) URL, an
# international or local number of at least seven digits); which words announce them is
# language data (``contact_words``).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{5,}\d(?!\w)")


@dataclass
class _Point:
    org: str
    key: str
    evidence: list[Evidence] = field(default_factory=list)
    email: set[str] = field(default_factory=set)
    telephone: set[str] = field(default_factory=set)
    url: set[str] = field(default_factory=set)
    matter: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # the person to ask for


class _ContactFinder:
    def __init__(self, doc: DocContext):
        self.doc = doc
        self.norm = doc.text.norm
        self.language = doc.language
        self.points: dict[str, _Point] = {}
        self.announcing: set[int] = set()  # contact lines that introduce a channel (their starts)
        self.orgs = [m for m in doc.mentions or [] if m.kind == "organisation"]
        # positions, for look-ups by bisection (mentions and sentences are in text order)
        self.mentions = doc.mentions or []
        self._mention_starts = [m.norm_start for m in self.mentions]
        self._org_starts = [m.norm_start for m in self.orgs]
        self.sentences = doc.sentences or []
        self._sentence_starts = [s.start for s in self.sentences]
        # each organisation's acronyms, to tell whose domain an address is on ("icrc.org")
        keys = {m.entity for m in self.orgs} | ({doc.focal_org} if doc.focal_org else set())
        # a page's path is often in English whatever the text's language ("/en/contact")
        self.contact_words = {w.lower() for code in {doc.lang, *SUPPORTED_LANGUAGES}
                              for w in doc.resources.language(code).contact_words}
        names = doc.resources.names_by_entity
        self.acronyms = {key: {n.text.lower() for n in names.get(key, ()) if n.role == "acronym" and n.text.isascii()}
                         for key in keys}

    # -- whose channel ----------------------------------------------------------
    def _line(self, pos: int) -> tuple[int, int]:
        a = self.norm.rfind("\n", 0, pos) + 1
        b = self.norm.find("\n", pos)
        return a, (len(self.norm) if b < 0 else b)

    def _owner(self, start: int, end: int, domain: str | None = None) -> str | None:
        """An organisation named on the channel's own line ("МККК Женева: press@…"), else
        the one whose acronym the address's domain carries, else the document's own."""
        a, b = self._line(start)
        line = self.orgs[bisect_left(self._org_starts, a):bisect_left(self._org_starts, b)]
        on_line = [m for m in line if not (start <= m.norm_start < end)]
        if on_line:
            return min(on_line, key=lambda m: abs(m.norm_start - start)).entity
        if domain:
            labels = set(domain.lower().split("."))
            for key, acronyms in self.acronyms.items():
                if acronyms & labels:
                    return key
        return self.doc.focal_org

    def _point(self, org: str, channel: str | None) -> _Point:
        # An address or page is the same contact point wherever it is printed; a line
        # without one is the document's own.
        if channel:
            channel = re.sub(r"^https?://(www\.)?", "", channel)
        tail = slugify(channel, 8) if channel else self.doc.doc_id.lower()
        key = f"contact/{org.split('/', 1)[1]}-{tail}"
        return self.points.setdefault(key, _Point(org, key))

    def _on_line(self, pos: int, kind: str) -> list[Mention]:
        a, b = self._line(pos)
        line = self.mentions[bisect_left(self._mention_starts, a):bisect_left(self._mention_starts, b)]
        return [m for m in line if m.kind == kind]

    def _place_of_line(self, pos: int) -> set[str]:
        """Where a channel's line says its contact point is: one place, the nearest before the
        channel (an address's place heads its channel: "… (UK) Geneva: press@…"), else the
        first after it; not one inside an organisation's name, nor one another of them lies
        in ("Geneva, Switzerland": the city)."""
        bodies = [(m.norm_start, m.norm_end) for m in self._on_line(pos, "organisation")]
        places = [m for m in self._on_line(pos, "place")
                  if not any(a <= m.norm_start and m.norm_end <= b for a, b in bodies)]
        within = {self.doc.entities[m.entity].part_of for m in places if m.entity in self.doc.entities}
        places = [m for m in places if m.entity not in within]
        before = [m for m in places if m.norm_end <= pos]
        nearest = before[-1:] or places[:1]
        return {m.entity for m in nearest}

    def _announcing_matter(self, pos: int) -> tuple[str | None, Evidence | None]:
        """The matter of the contact line that introduces a channel: its own sentence, or
        one before it when only other contact lines come between ("For further information,
        please contact:" over a list of names and numbers)."""
        i = bisect_right(self._sentence_starts, pos)
        for sent in reversed(self.sentences[max(0, i - 6):i]):
            if sent.has("referral"):
                trig = sent.hits("referral")[0]
                self.announcing.add(sent.start)
                return contact_matter(self.doc, sent, trig.start, trig.end), self.doc.sentence_evidence(sent)
            if sent.start < pos and not self._is_channel_line(sent):
                break
        return None, None

    def _is_channel_line(self, sent) -> bool:
        text = self.norm[sent.start:sent.end]
        return bool(_EMAIL.search(text) or _URL.search(text) or _PHONE.search(text))

    # -- channels ---------------------------------------------------------------
    def emails(self) -> None:
        for m in _EMAIL.finditer(self.norm):
            address = m.group(0).rstrip(".")
            org = self._owner(m.start(), m.end(), address.split("@", 1)[1])
            if not org:
                continue
            point = self._point(org, address)
            point.email.add(address)
            self._add_context(point, m.start(), m.start() + len(address))

    def urls(self) -> None:
        """A page whose path names contact (".../en/contact", "/contact-us")."""
        words = self.contact_words
        for m in _URL.finditer(self.norm):
            url = m.group(0).rstrip(".,;:")
            host, _, path = url.split("://", 1)[1].partition("/")
            segments = {s for s in re.split(r"[/_\-.?#=&]+", path.lower()) if s}
            if not segments & words:
                continue
            org = self._owner(m.start(), m.start() + len(url), host)
            if not org:
                continue
            point = self._point(org, url)
            point.url.add(url)
            self._add_context(point, m.start(), m.start() + len(url))

    def telephones(self) -> None:
        """A number announced by a contact word on its line ("Tel.: +41 22 730 20 23")."""
        words = {w.lower() for w in self.language.contact_words}
        for m in _PHONE.finditer(self.norm):
            digits = re.sub(r"\D", "", m.group(0))
            if not 7 <= len(digits) <= 15:  # ITU-T E.164: at most 15 digits
                continue
            a, _ = self._line(m.start())
            before = re.findall(r"[^\W\d_]+", self.language.lower(self.norm[a:m.start()]))
            if not before or not (set(before[-3:]) & words):
                continue
            org = self._owner(m.start(), m.end())
            if not org:
                continue
            number = re.sub(r"\s+", " ", m.group(0).strip())
            point = self._point(org, number)
            point.telephone.add(number)
            self._add_context(point, m.start(), m.end())

    def _add_context(self, point: _Point, start: int, end: int) -> None:
        point.evidence.append(self.doc.evidence(start, end))
        point.places |= self._place_of_line(start)
        point.names |= {m.name for m in self._on_line(start, "person")}
        matter, ev = self._announcing_matter(start)
        if matter:
            point.matter.add(matter)
            point.evidence.append(ev)

    def self_referrals(self) -> None:
        """"Write to us", "contact the ICRC" in the ICRC's own text: the publisher's contact
        point, for the matter the sentence gives; the page or address it names elsewhere in
        the document is the same point."""
        focal = self.doc.focal_org
        if not focal:
            return
        for sent in self.doc.sentences or []:
            if sent.is_question or not sent.has("referral") or sent.start in self.announcing:
                continue  # a line introducing addresses is their points' matter, already taken
            trig = sent.hits("referral")[0]
            if not sent.orgs:
                continue
            to: Mention = min(sent.orgs, key=lambda m: abs(m.norm_start - trig.start))
            if to.entity != focal:
                continue  # a referral (kg.facts.referrals)
            own = [p for p in self.points.values() if p.org == focal and (p.url or p.email)]
            point = own[0] if own else self._point(focal, None)
            matter = contact_matter(self.doc, sent, trig.start, trig.end, to.norm_start, to.norm_end)
            if matter:
                point.matter.add(matter)
            point.evidence.append(self.doc.sentence_evidence(sent))

    def emit(self) -> None:
        sink = self.doc.sink
        for point in self.points.values():
            if not point.evidence:
                continue
            ev = point.evidence
            sink.types(point.key, "kg:ContactPoint", evidence=ev[:1])
            sink.ref(point.org, "kg:contactPoint", point.key, evidence=ev)
            for address in sorted(point.email):
                sink.lit(point.key, "schema:email", address, evidence=ev[:1])
            for number in sorted(point.telephone):
                sink.lit(point.key, "schema:telephone", number, evidence=ev[:1])
            for url in sorted(point.url):
                sink.lit(point.key, "schema:url", url, datatype="xsd:anyURI", evidence=ev[:1])
            for matter in sorted(point.matter):
                sink.lit(point.key, "schema:contactType", matter, lang=self.doc.lang, evidence=ev[-1:])
            for name in sorted(point.names):
                sink.lit(point.key, "schema:name", name, evidence=ev[:1])
            for place in sorted(point.places):
                sink.ref(point.key, "kg:inPlace", place, evidence=ev[:1])


def extract_contacts(doc: DocContext) -> None:
    finder = _ContactFinder(doc)
    finder.emails()
    finder.urls()
    finder.telephones()
    finder.self_referrals()
    finder.emit()


@component("contacts", needs=("sentences", "focus", "mentions"))
def contacts(doc) -> None:
    extract_contacts(doc)
