"""When two project records are likely the same project (一项多码), as pure functions.

A project is registered twice when the same name is typed differently (spaces, full-width
letters, "项目" or "（一期）" added or left out) or when it comes in again under another
enterprise code. Names are compared by a key that ignores those differences.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from tracker.i18n import N_

# Characters that never tell two project names apart: spaces, dots, dashes, quotes, commas.
_NOISE = re.compile(r"[\s·•・.。,，、:：;；'\"“”‘’`~\-—–_/\\|]+")
# Suffixes that do not make another project: "项目", "工程", the first phase ("一期", "（一期）",
# "第一期", "1期", "一期工程"). A second phase is another project and keeps its "二期".
_SUFFIXES = re.compile(r"(?:\((?:第)?(?:一|1|i)期(?:工程|项目)?\)|(?:第)?(?:一|1)期(?:工程)?|项目|工程|project)$")
_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")", "{": "(", "}": ")"})

# Two keys of the same enterprise are "similar" from this ratio of matching characters up.
SIMILAR_RATIO = 0.8
# A name contained in the other counts as similar only from this many characters (so "厂" is
# not similar to every factory).
CONTAINED_MIN = 4


def name_key(name: str) -> str:
    """The name as duplicates are compared: full-width folded to half-width (NFKC), case and
    punctuation ignored, and the suffixes 项目 / 工程 / （一期） taken off (repeatedly)."""
    key = unicodedata.normalize("NFKC", name or "").casefold().translate(_BRACKETS)
    key = _NOISE.sub("", key)
    while True:
        shorter = _SUFFIXES.sub("", key)
        if shorter == key or not shorter:
            return key
        key = shorter


def similar(a: str, b: str) -> bool:
    """Two name keys that likely name one project: equal, one inside the other, or most
    characters in common."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= CONTAINED_MIN and short in long_:
        return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= SIMILAR_RATIO


@dataclass(frozen=True)
class Known:
    """A project already recorded (or a row met earlier in the same file)."""

    id: int  # project id; for a row of the file, the negative row number
    name: str
    key: str
    enterprise_code: str
    enterprise_name: str = ""
    status: str = "active"


# Why a record is a likely duplicate (message ids, shown with the candidate).
SAME_ENTERPRISE = "same_enterprise"
SAME_NAME = "same_name"
WHY = {
    SAME_ENTERPRISE: N_("same enterprise, similar name"),
    SAME_NAME: N_("same name, another enterprise"),
}


@dataclass(frozen=True)
class Candidate:
    known: Known
    why: str


class Index:
    """Known projects by enterprise code and by name key, for quick look-ups over thousands."""

    def __init__(self, known: Iterable[Known] = ()):
        self.by_code: dict[str, list[Known]] = {}
        self.by_key: dict[str, list[Known]] = {}
        for k in known:
            self.add(k)

    def add(self, k: Known) -> None:
        if k.enterprise_code:
            self.by_code.setdefault(k.enterprise_code, []).append(k)
        if k.key:
            self.by_key.setdefault(k.key, []).append(k)

    def exact(self, key: str, code: str) -> list[Known]:
        """Records of the same enterprise with the same name key: the same project, surely."""
        return [k for k in self.by_code.get(code, []) if k.key == key] if code else []

    def likely(self, key: str, code: str, exclude: Iterable[int] = ()) -> list[Candidate]:
        """Likely duplicates: the same enterprise with a similar name, or the same name under
        another enterprise (DESIGN: 一项多码). Exact matches are included."""
        skip = set(exclude)
        found: dict[int, Candidate] = {}
        for k in self.by_code.get(code, []) if code else []:
            if k.id not in skip and similar(key, k.key):
                found.setdefault(k.id, Candidate(k, SAME_ENTERPRISE))
        for k in self.by_key.get(key, []) if key else []:
            if k.id not in skip and k.enterprise_code != code:
                found.setdefault(k.id, Candidate(k, SAME_NAME))
        return sorted(found.values(), key=lambda c: (c.why != SAME_ENTERPRISE, c.known.id))


def merge_error(survivor: dict, absorbed: dict) -> str | None:
    """Why two projects cannot be merged, or None. The dicts need id, merged_into."""
    if survivor["id"] == absorbed["id"]:
        return N_("A project cannot be merged with itself.")
    if survivor["merged_into"] or absorbed["merged_into"]:
        return N_("This project was already merged into another one.")
    return None


def milestone_plan(survivor: list[dict], absorbed: list[dict], stage_order: tuple[str, ...]) -> tuple[list[int], list[tuple[int, int]]]:
    """What happens to the milestones on a merge.

    The survivor keeps its own milestones as they are. The absorbed record's milestones move to
    the survivor; those of a stage the survivor already has are marked "does not apply" (reason:
    merged), so a stage is never counted twice and the survivor's stage does not go back; those
    of a stage the survivor lacks become its milestones unchanged.

    survivor, absorbed: milestones with id, stage, seq. Returns (ids of the absorbed milestones
    to mark as not applicable, [(milestone id, new seq)] for every milestone of the survivor
    after the merge, in stage order, its own first within a stage).
    """
    own_stages = {m["stage"] for m in survivor}
    not_applicable = [m["id"] for m in absorbed if m["stage"] in own_stages]
    ordered = sorted(
        [(m, 0) for m in survivor] + [(m, 1) for m in absorbed],
        key=lambda pair: (stage_order.index(pair[0]["stage"]) if pair[0]["stage"] in stage_order else len(stage_order),
                          pair[1], pair[0]["seq"], pair[0]["id"]),
    )
    return not_applicable, [(m["id"], seq) for seq, (m, _origin) in enumerate(ordered, start=1)]
