"""Dates as people write them, in every shipped language.

ISO (`2026-12-31`), the locale's numeric form (`31-12-2026`, `31/12/2026`,
`31.12.2026`; month-first `12/31/2026` where the locale writes it so, and a
question when `03/04/2026` reads both ways), month names and abbreviations
(`15 okt`, `15 Ekim 2026`, `15 tháng 10`, `Oct 15`), words (`today`, `morgen`,
`hôm qua`, `yarın`), weekdays with next/last (`next friday`, `volgende vrijdag`,
`thứ sáu tới`, `geçen cuma`) and offsets (`30d`, `-3d`, `2w`, `30 dagen`,
`30 gün`, `30g`, `30 ngày`, `2 weken`, `2 hafta`, `2 tuần`, `in 3 days`,
`3 days ago`). Written here with Babel's locale data, so nothing heavy is
imported at start-up; Babel itself is loaded on first use.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from bot.errors import UserError
from bot.i18n import BABEL_LOCALES, LANGUAGES
from bot.parsing.ask import choose
from bot.parsing.fold import casefold, strip_accents

#: Unit words and letters, accent-free and case-folded -> days.
UNITS: dict[str, int] = {
    "d": 1, "day": 1, "days": 1, "dag": 1, "dagen": 1, "ngay": 1, "gun": 1, "g": 1,
    "w": 7, "wk": 7, "wks": 7, "week": 7, "weeks": 7, "weken": 7, "tuan": 7, "hafta": 7,
}
#: Words for a day relative to today.
WORDS: dict[str, int] = {
    "today": 0, "tomorrow": 1, "yesterday": -1,
    "vandaag": 0, "morgen": 1, "gisteren": -1, "overmorgen": 2, "eergisteren": -2,
    "hom nay": 0, "ngay mai": 1, "mai": 1, "hom qua": -1,
    "bugun": 0, "yarin": 1, "dun": -1,
}
_NEXT = {"next", "coming", "volgende", "komende", "toi", "tuan sau", "tuan toi", "sau", "gelecek", "onumuzdeki", "haftaya"}
_LAST = {"last", "previous", "vorige", "afgelopen", "truoc", "tuan truoc", "gecen", "gectigimiz"}
#: "in 3 days", "over 3 dagen", "3 gün sonra", "3 ngày nữa" / "3 days ago", "3 dagen geleden", "3 gün önce", "3 ngày trước".
_AHEAD_BEFORE = {"in", "over", "sau", "trong"}
_AHEAD_AFTER = {"later", "from now", "nua", "sau", "sonra", "icinde"}
_AGO_AFTER = {"ago", "geleden", "truoc", "once", "evvel"}
_FILLER = {"ngay", "nam", "of", "the", "on", "op"}


def day_count(text: str, language: str = "en") -> int | None:
    """`7d`, `2w`, `10 dagen`, `2 hafta`, `30g` -> a number of days; None when it is not a span."""
    m = re.fullmatch(r"(\d{1,4})\s*([a-z]+)", _norm(text, language))
    return int(m.group(1)) * UNITS[m.group(2)] if m and m.group(2) in UNITS else None


def _norm(text: str, language: str) -> str:
    key = strip_accents(casefold(text, language)).replace(",", " ")
    key = re.sub(r"(?<=[a-z])\.(?=\s|$)", "", key)  # "okt." -> "okt"
    return " ".join(key.split())


@lru_cache(maxsize=None)
def _day_first(language: str, locale: str | None) -> bool:
    """Whether the locale writes the day before the month (Babel's short date pattern)."""
    from babel import Locale, UnknownLocaleError

    name = BABEL_LOCALES.get(language, "en_US")
    if locale and "-" in locale.replace("_", "-") and locale.replace("_", "-").split("-")[0].lower() == language:
        name = locale.replace("-", "_")
    try:
        pattern = Locale.parse(name).date_formats["short"].pattern
    except (UnknownLocaleError, ValueError, KeyError):
        pattern = Locale.parse(BABEL_LOCALES.get(language, "en_US")).date_formats["short"].pattern
    return pattern.lower().find("d") < pattern.find("M")


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    from babel.dates import get_month_names

    out: dict[str, int] = {}
    for locale in [BABEL_LOCALES[lang] for lang in LANGUAGES if lang != "vi"] + ["en_GB"]:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for n, name in get_month_names(width, context, locale).items():
                    out.setdefault(_norm(name, "en").rstrip("."), n)
    return out


@lru_cache(maxsize=None)
def _weekdays(language: str) -> dict[str, int]:
    """Weekday words of the user's language and English -> Python weekday (Monday 0)."""
    from babel.dates import get_day_names

    out: dict[str, int] = {}
    for locale in (BABEL_LOCALES.get(language, "en_US"), "en_US"):
        for width in ("wide", "abbreviated"):
            for n, name in get_day_names(width, "format", locale).items():
                key = _norm(name, language).rstrip(".")
                if width == "wide" or len(key) >= 3:
                    out.setdefault(key, n)
    return out


def weekday_named(raw: str, language: str) -> int | None:
    """Monday = 0 for a weekday's full or short name, in the user's language first, then any shipped one, else None.

    ("vrijdag" still reads as Friday when the same command sets lang=nl.)
    """
    from babel.dates import get_day_names

    word = raw.strip().casefold().rstrip(".")
    for locale in [BABEL_LOCALES.get(language, BABEL_LOCALES["en"]), *BABEL_LOCALES.values()]:
        for width in ("wide", "abbreviated"):
            for index, name in get_day_names(width, locale=locale).items():
                if name.casefold().rstrip(".") == word:
                    return index
    return None


def parse_date(
    text: str,
    today: date,
    usage: str = "usage.date",
    language: str = "en",
    locale: str | None = None,
    past: bool = False,
) -> date:
    """One date from what the user typed. `past`: a bare weekday means the last one (for `on=`)."""
    raw = text.strip()
    key = _norm(raw, language)
    bad = UserError("error.bad_date", usage=usage, date=text)
    if not key:
        raise bad
    for reader in (_iso, _offset, _word, _weekday):
        found = reader(key, today, language, past, text, usage)
        if found is not None:
            return found
    found = _numeric(key, today, language, locale, text, usage)
    if found is None:
        found = _named_month(key, today, text, usage)
    if found is None:
        raise bad
    return found


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _impossible(text: str, usage: str) -> UserError:
    return UserError("error.impossible_date", usage=usage, date=text)


def _iso(key: str, today: date, language: str, past: bool, text: str, usage: str) -> date | None:
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", key)
    if not m:
        return None
    found = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if found is None:
        raise _impossible(text, usage)
    return found


def _offset(key: str, today: date, language: str, past: bool, text: str, usage: str) -> date | None:
    m = re.fullmatch(r"([+-]?)\s*(\d{1,4})\s*([a-z]+)", key)
    if m and m.group(3) in UNITS:
        sign = -1 if m.group(1) == "-" else 1
        return today + timedelta(days=sign * int(m.group(2)) * UNITS[m.group(3)])
    for before in _AHEAD_BEFORE:
        m = re.fullmatch(rf"{before} (\d{{1,4}}) ([a-z]+)", key)
        if m and m.group(2) in UNITS:
            return today + timedelta(days=int(m.group(1)) * UNITS[m.group(2)])
    m = re.fullmatch(r"(\d{1,4}) ?([a-z]+) (.+)", key)
    if m and m.group(2) in UNITS:
        days = int(m.group(1)) * UNITS[m.group(2)]
        if m.group(3) in _AGO_AFTER:
            return today - timedelta(days=days)
        if m.group(3) in _AHEAD_AFTER:
            return today + timedelta(days=days)
    return None


def _word(key: str, today: date, language: str, past: bool, text: str, usage: str) -> date | None:
    return today + timedelta(days=WORDS[key]) if key in WORDS else None


def _weekday(key: str, today: date, language: str, past: bool, text: str, usage: str) -> date | None:
    names = _weekdays(language)
    direction = 0
    rest = key
    for word in sorted(_NEXT | _LAST, key=len, reverse=True):
        if rest.startswith(word + " ") and rest[len(word) + 1:] in names:
            direction, rest = (1 if word in _NEXT else -1), rest[len(word) + 1:]
            break
        if rest.endswith(" " + word) and rest[: -len(word) - 1] in names:
            direction, rest = (1 if word in _NEXT else -1), rest[: -len(word) - 1]
            break
    if rest not in names:
        return None
    target = names[rest]
    if direction == 0:
        direction = -1 if past else 1
    if direction > 0:
        return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)
    return today - timedelta(days=(today.weekday() - target - 1) % 7 + 1)


def _closest_year(today: date, month: int, day: int) -> date | None:
    options = [d for d in (_make(today.year + k, month, day) for k in (-1, 0, 1)) if d is not None]
    return min(options, key=lambda d: abs((d - today).days)) if options else None


def _year(text: str) -> int:
    y = int(text)
    return 2000 + y if y < 100 else y


def _numeric(key: str, today: date, language: str, locale: str | None, text: str, usage: str) -> date | None:
    m = re.fullmatch(r"(\d{1,2})([-/.])(\d{1,2})(?:\2(\d{2}|\d{4}))?", key)
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(3))
    year = m.group(4)

    def build(month: int, day: int) -> date | None:
        if year is None:
            return _closest_year(today, month, day) if _make(2000, month, day) else None
        return _make(_year(year), month, day)

    day_first = _day_first(language, locale)
    first = build(b, a) if day_first else build(a, b)
    second = build(a, b) if day_first else build(b, a)
    readings = [d for d in (first, second) if d is not None]
    readings = list(dict.fromkeys(readings))
    if not readings:
        raise _impossible(text, usage)
    if len(readings) == 2 and day_first:
        return readings[0]  # day-first locales read 03/04 as 3 April, as everyone there does
    from bot import fmt

    return choose("ask.date", readings, [fmt.day(language, d) for d in readings], date=text)


def _named_month(key: str, today: date, text: str, usage: str) -> date | None:
    key = re.sub(r"\b(?:thang|thg) (\d{1,2})\b", lambda m: f"@{int(m.group(1))}", key)
    key = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th|e)\b", r"\1", key)
    months = _months()
    parts: list[str] = []
    for word in key.replace("-", " ").replace("/", " ").split():
        word = word.rstrip(".")
        if word in _FILLER:
            continue
        if word in months:
            parts.append(f"@{months[word]}")
        else:
            parts.append(word)
    shape = "".join("M" if p.startswith("@") else "N" if p.isdigit() else "?" for p in parts)
    if "?" in shape or shape.count("M") != 1:
        return None
    month = int(next(p for p in parts if p.startswith("@"))[1:])
    if not 1 <= month <= 12:
        return None
    nums = [int(p) for p in parts if p.isdigit()]
    if shape in ("NM", "MN"):
        found = _closest_year(today, month, nums[0]) if _make(2000, month, nums[0]) else None
    elif shape in ("NMN", "MNN"):
        if not (nums[1] < 100 or 1900 <= nums[1] <= 2999):
            return None  # `15 okt 1200` is a date and an amount, not the year 1200
        found = _make(_year(str(nums[1])), month, nums[0])
    else:
        return None
    if found is None:
        raise _impossible(text, usage)
    return found
