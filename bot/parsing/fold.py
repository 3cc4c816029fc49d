"""Comparison forms of typed words: locale-aware case folding, accents and edge punctuation ignored.

Two levels, because an exact spelling must win over a looser one:
`case_key` folds case with the language's own rules (Turkish I/ı and İ/i)
and collapses spaces; `loose_key` also drops accents and the punctuation at
the edges, so `nha hang pho ha noi` finds "Nhà hàng Phở Hà Nội" and
`Pixel Bakery.` is the same client as `Pixel Bakery`.
"""
from __future__ import annotations

import unicodedata

#: Letters that Unicode does not decompose into a base letter plus an accent.
_BASE = str.maketrans({"đ": "d", "Đ": "d", "ı": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ħ": "h", "ŧ": "t"})
_DOTTED = ("tr", "az")


def casefold(text: str, language: str = "en") -> str:
    """Case-fold with the language's rules: in Turkish `I` is `ı` and `İ` is `i`."""
    if language in _DOTTED:
        text = text.replace("I", "ı").replace("İ", "i")
    return text.casefold()


def strip_accents(text: str) -> str:
    """`Phở Hà Nội` -> `Pho Ha Noi`, `geç-ödeme` -> `gec-odeme`, `kayması` -> `kaymasi`."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_BASE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _edge_trim(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _is_edge_punct(text[start]):
        start += 1
    while end > start and _is_edge_punct(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_edge_punct(ch: str) -> bool:
    # Punctuation and symbols at the edges ("Acme." "(Acme)") are typing noise; `&` and `+` may be names.
    return unicodedata.category(ch)[0] in "PZ" and ch not in "&+#@"


def case_key(text: str, language: str = "en") -> str:
    """Spaces collapsed and case folded, nothing else: the 'same spelling' comparison."""
    return casefold(" ".join(unicodedata.normalize("NFC", text).split()), language)


def loose_key(text: str, language: str = "en") -> str:
    """Also without accents and edge punctuation: the 'same name, typed loosely' comparison."""
    folded = strip_accents(case_key(text, language))
    return " ".join(_edge_trim(folded).split())
