"""Countries that act: a country named as the doer of what only a state does stands for its
government ("cuts from Belgium, France", "the USA's new policy", "диалог с Россией",
"ABŞ-ın … səfiri"). The words are in ``data/lexicon/states.yaml``; the place mention stays
(the text names the country too) and the government is added as an organisation mention
over the same words, so both are found where the text names them.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from ..components import component
from ..datafile import load_yaml
from .grammar import mention_case
from .names import Mention

SPECIAL_ROLES = ("dateline", "contact")


@lru_cache(maxsize=2)
def _load(path: Path) -> dict:
    return load_yaml(path)


def _is_action(doc, word: str, actions: list[str]) -> bool:
    morph = doc.resources.morph
    return any(morph.matches(doc.lang, a, word, True) for a in actions)


@component("states", needs=("mentions",), adds=("mentions",), after=("places", "contextual_names", "coreference"))
def states(doc) -> None:
    data = _load(doc.lexicon_dir / "states.yaml")
    actions = [str(a) for a in data.get("actions", {}).get(doc.lang, [])]
    doer = {str(p).lower() for p in data.get("doer_before", {}).get(doc.lang, [])}
    if not actions:
        return
    norm = doc.text.norm
    countries = [m for m in doc.mentions if m.kind == "place" and m.role not in SPECIAL_ROLES
                 and doc.entities.get(m.entity) is not None and doc.entities[m.entity].cls == "Country"]
    taken = {(m.norm_start, m.norm_end) for m in doc.mentions if m.kind == "organisation"}
    acting: list[Mention] = []
    previous: Mention | None = None
    for m in countries:
        before = [t for t in doc.text.tokens_in(max(0, m.norm_start - 40), m.norm_start) if t.is_word]
        after = [t for t in doc.text.tokens_in(m.norm_end, m.norm_end + 40) if t.is_word][:3]
        case = mention_case(doc, m)
        acts = False
        # "cuts from Belgium", "support of the Russian Federation", "диалог с Россией"
        words = [t.text for t in before][-4:]
        if len(words) >= 2 and words[-1].lower() in doer and any(_is_action(doc, w, actions) for w in words[:-1]):
            acts = True
        elif len(words) >= 2 and words[-2].lower() in doer and words[-1].lower() == "the" and \
                any(_is_action(doc, w, actions) for w in words[:-2]):
            acts = True
        # "the USA's new policy", "ABŞ-ın … səfiri" (its possessor), "U.S. suspension of aid" (its modifier)
        elif after and case == "genitive" and any(_is_action(doc, t.text, actions) for t in after):
            acts = True
        elif after and case is None and _is_action(doc, after[0].text, actions) and \
                not norm[m.norm_end:after[0].start].strip(" ."):
            acts = True
        # a list continues the first: "cuts from Belgium, France, Germany, … and the United Kingdom"
        elif previous is not None and acting and acting[-1] is previous and \
                doc.language.joins_list(norm[previous.norm_end:m.norm_start]):
            acts = True
        if acts and (m.norm_start, m.norm_end) not in taken:
            key = f"organisation/government-of-{m.entity.split('/', 1)[1]}"
            if key in doc.entities:
                acting.append(m)
                doc.mentions.append(replace(m, entity=key, role="metonymy"))
        previous = m
    doc.mentions.sort(key=lambda x: x.norm_start)
