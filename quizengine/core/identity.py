"""How people type who they are: staff ids and names compare folded, whatever keyboard typed them.

WeChat keyboards type lowercase and Chinese input methods full-width letters
and digits, so a staff id compares after NFKC (full-width to half-width),
without surrounding spaces, in upper case; a name after NFKC, without any
spaces, case-folded. The roster stores staff ids in that folded form.
"""

from __future__ import annotations

import unicodedata


def fold_staff_no(text: str | None) -> str:
    """A staff id (工号) as it is stored and compared: "ｐｔｃ0101 " -> "PTC0101"."""
    return unicodedata.normalize("NFKC", text or "").strip().upper()


def fold_name(text: str | None) -> str:
    """A name as it is compared: full-width forms and every space folded away."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()
