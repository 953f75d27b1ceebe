"""Finding a case by name or CRN: fuzzy, accent-insensitive, any script.

Pure Python. Names are folded once (Unicode NFKD, combining marks dropped, casefold, a few
letters that do not decompose mapped by hand) and split into tokens; the index keeps the
distinct tokens so a query is scored against the vocabulary (a few thousand tokens) rather
than against every case, then the per-token scores are combined per case.

Scoring, best first: exact CRN; CRN prefix; every query token matching a name token exactly,
by prefix, within a small edit distance, as a subsequence (``jsmth`` finds ``john smith``), or
as a substring (scripts written without spaces). A token that matches nothing rules the case out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Letters that NFKD leaves alone but people type without the diacritic or ligature.
_EXTRA_FOLD = str.maketrans({
    "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
    "þ": "th", "Þ": "th", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i",
    "ħ": "h", "Ħ": "h", "ŧ": "t", "Ŧ": "t",
})
_SEPARATORS = re.compile(r"[^\w]+", re.UNICODE)
_APOSTROPHES = re.compile(r"['’‘`ʼ]")

# Score tiers (higher is better); a case's score is the mean over query tokens.
EXACT, PREFIX, FUZZY, FUZZY_PREFIX, SUBSEQ, SUBSTR = 100, 80, 60, 55, 45, 40
CRN_EXACT, CRN_PREFIX = 1000, 500


def fold(text: str) -> str:
    """Accent- and case-insensitive form of ``text`` (any script)."""
    text = _APOSTROPHES.sub("", text.translate(_EXTRA_FOLD))
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Recompose what is left (Hangul, for example, decomposes to jamo under NFKD).
    return unicodedata.normalize("NFC", stripped).casefold()


def romanised(text: str) -> str:
    """A Latin-letter reading of ``text`` (Cyrillic, Greek, Arabic, CJK...), so an officer who
    types "smirnova" finds "Смирнова". Wide (CJK) characters become separate syllables."""
    from anyascii import anyascii

    out = []
    for ch in text:
        if ord(ch) < 0x80:
            out.append(ch)
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            out.append(f" {anyascii(ch)} ")
        else:
            out.append(anyascii(ch))
    return "".join(out)


@lru_cache(maxsize=50_000)
def name_tokens(name: str) -> tuple[str, ...]:
    """The tokens a name is indexed under: its own words and, when it is not plain ASCII, the
    words of its romanised form."""
    own = tokens(name)
    if name.isascii():
        return own
    extra = tuple(t for t in tokens(romanised(name)) if t not in own)
    return own + extra


def tokens(text: str) -> tuple[str, ...]:
    """The folded words of ``text`` ("O'Neil-Smith" -> ("oneil", "smith"))."""
    return tuple(t for t in _SEPARATORS.split(fold(text)) if t and t != "_")


def _within(a: str, b: str, limit: int) -> bool:
    """Edit distance (Damerau: a swap of neighbours counts 1) of a and b is at most ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return False
    if a == b:
        return True
    before: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if (before is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb):
                v = min(v, before[j - 2] + 1)
            cur.append(v)
        if min(cur) > limit:
            return False
        before, prev = prev, cur
    return prev[-1] <= limit


def _is_subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


def _subsequence_span(needle: str, hay: str) -> int:
    """Length of the stretch of ``hay`` holding ``needle`` in order (greedy), 0 if none."""
    pos = -1
    first = None
    for ch in needle:
        pos = hay.find(ch, pos + 1)
        if pos < 0:
            return 0
        if first is None:
            first = pos
    return pos - (first or 0) + 1


def token_score(q: str, t: str, qset: frozenset[str] | None = None,
                tset: frozenset[str] | None = None) -> int:
    """How well query token ``q`` matches name token ``t`` (0: not at all).

    ``qset``/``tset`` (the letters of each) let a caller skip the edit-distance work: each
    edit can bring at most one missing letter into ``t``, so more missing letters than edits
    allowed means no fuzzy match."""
    if q == t:
        return EXACT
    if t.startswith(q):
        return PREFIX
    lq = len(q)
    if lq >= 4:
        limit = 1 if lq < 7 else 2
        missing = len((qset or frozenset(q)) - (tset or frozenset(t)))
        if missing <= limit:
            if abs(len(t) - lq) <= limit and _within(q, t, limit):
                return FUZZY
            if missing <= 1 and len(t) > lq and _within(q, t[:lq], 1):
                return FUZZY_PREFIX
    if lq >= 3 and q[0] == t[0] and _is_subsequence(q, t):
        return SUBSEQ
    if lq >= 2 and q in t:
        return SUBSTR
    return 0


@dataclass(frozen=True)
class Match:
    key: str          # the CRN
    name: str
    score: float


class LookupIndex:
    """An index over (CRN, name) pairs answering fuzzy queries."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._crns: list[str] = []
        self._names: list[str] = []
        self._folded_crns: list[str] = []
        self._name_tokens: list[tuple[str, ...]] = []
        self._vocab: dict[str, list[int]] = {}
        self._letters: dict[str, frozenset[str]] = {}
        self._memo: dict[str, dict[int, int]] = {}
        self._joined: list[str] = []
        for crn, name in entries:
            i = len(self._crns)
            self._crns.append(crn)
            self._names.append(name)
            self._folded_crns.append(crn.casefold())
            toks = name_tokens(name)
            self._name_tokens.append(toks)
            self._joined.append("".join(tokens(name)))
            for t in set(toks):
                self._vocab.setdefault(t, []).append(i)
        self._letters = {t: frozenset(t) for t in self._vocab}

    def __len__(self) -> int:
        return len(self._crns)

    def search(self, query: str, limit: int = 20) -> list[Match]:
        """Best matches first (ties by name then CRN); empty for an empty query."""
        q_tokens = tokens(query)
        if not q_tokens:
            return []
        scores: dict[int, float] = {}
        # CRN: a single token that looks like the start of a CRN.
        if len(q_tokens) == 1:
            q = q_tokens[0]
            if len(q) >= 2 and q[0].isalpha() and q[1:].isdigit():
                for i, c in enumerate(self._folded_crns):
                    if c == q:
                        scores[i] = CRN_EXACT
                    elif c.startswith(q):
                        scores[i] = CRN_PREFIX
                if scores:
                    return self._ranked(scores, limit)
        per_token = [self._token_matches(q) for q in q_tokens]
        candidates = set(per_token[0])
        for best in per_token[1:]:
            candidates &= set(best)
        n = len(q_tokens)
        for i in candidates:
            scores[i] = sum(best[i] for best in per_token) / n
        if not scores:
            # Words run together, typed without spaces or abbreviated ("jsmth"): match against
            # the whole name.
            joined_q = "".join(q_tokens)
            for i, joined in enumerate(self._joined):
                if joined_q in joined:
                    scores[i] = SUBSTR
                elif len(joined_q) >= 3 and joined and joined[0] == joined_q[0]:
                    span = _subsequence_span(joined_q, joined)
                    if span:
                        # Tighter matches first: "jsmth" prefers "james smith" to "james mccarthy".
                        scores[i] = ((SUBSEQ - 10) * len(joined_q) / span
                                     - 0.01 * (len(joined) - span))
        return self._ranked(scores, limit)

    def _token_matches(self, q: str) -> dict[int, int]:
        """{entry: best score} for one query token (remembered: typing a name re-asks the
        words already typed)."""
        found = self._memo.get(q)
        if found is not None:
            return found
        best: dict[int, int] = {}
        qset = frozenset(q)
        letters = self._letters
        for t, ids in self._vocab.items():
            s = token_score(q, t, qset, letters[t])
            if s:
                for i in ids:
                    if s > best.get(i, 0):
                        best[i] = s
        if len(self._memo) > 512:
            self._memo.clear()
        self._memo[q] = best
        return best

    def _ranked(self, scores: dict[int, float], limit: int) -> list[Match]:
        order = sorted(scores, key=lambda i: (-scores[i], self._names[i].casefold(), self._crns[i]))
        return [Match(self._crns[i], self._names[i], scores[i]) for i in order[:limit]]
