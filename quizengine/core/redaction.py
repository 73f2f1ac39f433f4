"""Blind judging (匿名评审): the roster's names taken out of what judges read.

`names` maps each name to the neutral label it is replaced by (a center's
name and its short forms → 某中心, a bureau → 某单位, a person → 某某).
Names are matched as plain substrings (Chinese has no word boundaries),
longest first, so 长寿路街道社区事务受理服务中心 is replaced whole before
its short form 长寿路街道 could match inside it. A short name can match
inside an unrelated word (a person called 万里 in 万里长城): that is why the
organizer checks the preview before judging starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CENTER_LABEL, BUREAU_LABEL, PERSON_LABEL = "某中心", "某单位", "某某"
# Endings of center names; what is left (长寿路街道, 长寿路) names the center too.
CENTER_SUFFIXES = (
    "社区事务受理服务中心",
    "社区事务受理中心",
    "市场监督管理所",
    "政务服务中心",
    "服务中心",
    "街道",
    "镇",
)
# A short form must keep at least this many characters: 万里 or 长征 alone are ordinary words.
MIN_SHORT_FORM = 3


@dataclass(frozen=True)
class Piece:
    """A stretch of redacted text: kept as it was (`original` None) or a name replaced by `text`."""

    text: str
    original: str | None = None


def center_forms(name: str) -> list[str]:
    """A center's name and its short forms (suffixes taken off one after another), each long enough to name it."""
    forms, current = [name], name
    changed = True
    while changed:
        changed = False
        for suffix in CENTER_SUFFIXES:
            if current.endswith(suffix) and len(current) - len(suffix) >= MIN_SHORT_FORM:
                current = current[: -len(suffix)]
                forms.append(current)
                changed = True
                break
    return forms


def roster_names(centers: Iterable[str], bureaus: Iterable[str], people: Iterable[str]) -> dict[str, str]:
    """Name -> neutral label for every center (with its short forms), bureau and person; blanks left out."""
    names: dict[str, str] = {}
    for person in people:
        if person.strip():
            names[person.strip()] = PERSON_LABEL
    for bureau in bureaus:
        if bureau.strip():
            names[bureau.strip()] = BUREAU_LABEL
    for center in centers:
        if center.strip():
            for form in center_forms(center.strip()):
                names[form] = CENTER_LABEL
    return names


class Redactor:
    """Replaces the given names in texts (compiled once for many texts)."""

    def __init__(self, names: Mapping[str, str]):
        self.names = dict(names)
        ordered = sorted(self.names, key=lambda n: (-len(n), n))
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def pieces(self, text: str) -> list[Piece]:
        """The text cut into kept stretches and replaced names (for a preview that highlights them)."""
        if not text or self._pattern is None:
            return [Piece(text)] if text else []
        pieces, at = [], 0
        for match in self._pattern.finditer(text):
            if match.start() > at:
                pieces.append(Piece(text[at : match.start()]))
            pieces.append(Piece(self.names[match.group()], match.group()))
            at = match.end()
        if at < len(text):
            pieces.append(Piece(text[at:]))
        return pieces

    def redact(self, text: str) -> str:
        """The text with every name replaced by its label."""
        return "".join(piece.text for piece in self.pieces(text))

    def found(self, text: str) -> list[str]:
        """The names still in a text (an edited redaction that missed one), each once, in order of appearance."""
        seen: dict[str, None] = {}
        for piece in self.pieces(text):
            if piece.original is not None:
                seen.setdefault(piece.original)
        return list(seen)
