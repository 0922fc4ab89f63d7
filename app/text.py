import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_for_search(text: str) -> str:
    """Lower-case, accent-free, punctuation folded to single spaces: "Société Générale" -> "societe generale"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM.sub(" ", ascii_text).strip()


# How close (RapidFuzz's ratio, 0 to 100) a word must be to a typed one to be taken for it:
# one letter missing, added or changed in a word of five or more ("guegn" for "guegan").
NEAR_WORD_SCORE = 75


def closest_words(word: str, choices, limit: int = 5) -> list[str]:
    """The words of ``choices`` closest to ``word`` (a typo away at most), closest first."""
    from rapidfuzz import fuzz, process

    matches = process.extract(word, choices, scorer=fuzz.ratio, score_cutoff=NEAR_WORD_SCORE, limit=limit)
    return [match for match, _score, _index in matches]


def near_words(query: str | None, text: str | None) -> bool:
    """Whether every word of ``query`` starts a word of ``text`` or is a typo away from one.

    SQLite's stand-in for pg_trgm's ``<%`` (registered as ``search_near``, app/extensions.py)."""
    words = normalize_for_search(text or "").split()
    if not words:
        return False
    return all(
        any(candidate.startswith(typed) for candidate in words) or closest_words(typed, words, limit=1)
        for typed in normalize_for_search(query or "").split()
    )
