"""Write a `.po` catalog from a simple `key|text` (or `key|one|other`) table.

Used when adding a batch of messages by hand; the `.po` file is what ships.
Usage: python tools/po.py LANG DOMAIN singular.txt [plural.txt]
"""
from __future__ import annotations

import sys
from pathlib import Path

PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "nl": "nplurals=2; plural=(n != 1);",
    "vi": "nplurals=1; plural=0;",
    "tr": "nplurals=2; plural=(n != 1);",
}


def esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def main(lang: str, domain: str, singular: str, plural: str | None = None) -> None:
    out = [
        f"# Redflag — {domain} messages ({lang}).",
        'msgid ""',
        'msgstr ""',
        f'"Language: {lang}\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        f'"Plural-Forms: {PLURAL_FORMS[lang]}\\n"',
        "",
    ]
    for line in Path(singular).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        key, text = line.split("|", 1)
        out += [f'msgid "{esc(key)}"', f'msgstr "{esc(text)}"', ""]
    if plural:
        for line in Path(plural).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            key, *forms = line.split("|")
            out += [f'msgid "{esc(key)}"', f'msgid_plural "{esc(key)}"']
            out += [f'msgstr[{i}] "{esc(f)}"' for i, f in enumerate(forms)]
            out.append("")
    path = Path("bot/locales") / lang / "LC_MESSAGES" / f"{domain}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
