"""What makes a text for the client a letter: who it is addressed to, the formal date, and the signature.

Every language addresses a company and a person differently (Dutch "Geachte
heer/mevrouw," to a company but "Beste Mai," to a person; Vietnamese "Kính
gửi Quý công ty Minh Anh," or "Kính gửi chị Mai,", and "Quý công ty" / "chị"
again wherever the letter says "you"; Turkish "Sayın Yetkili," or "Sayın Ayşe
Yılmaz,"). The words come from the catalog (`letter.*` in `core.po`); this
module only decides which form applies, from the client's contact person.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot import fmt
from bot.i18n import Messages

if TYPE_CHECKING:
    from bot.context import Context
    from storage.records import Client, UserSettings

#: Courtesy titles a contact may start with ("Ms Trần Thị Mai", "mevrouw Jansen", "chị Mai", "Bayan Yılmaz").
_FEMALE = {"ms", "ms.", "mrs", "mrs.", "miss", "mevr", "mevr.", "mevrouw", "mw", "mw.", "chị", "bà", "cô", "bayan", "hanım"}
_MALE = {"mr", "mr.", "dhr", "dhr.", "heer", "meneer", "anh", "ông", "bay", "bey"}
_TITLE_WORDS = _FEMALE | _MALE | {"de"}  # "de heer"

#: Vietnamese family names: a contact that starts with one is written family name first, given name last.
_VI_FAMILY = {
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ", "ngô",
    "dương", "lý", "đinh", "trịnh", "lâm", "trương", "đào", "cao", "hà", "tạ", "lương", "châu", "quách",
    "mai", "tô", "đoàn", "vương", "kiều", "thái", "lưu", "triệu", "văn", "hứa", "tăng", "lại", "chu",
}

#: Legal forms that do not belong after "Quý công ty" or "Dear … team" ("Minh Anh Co" → "Minh Anh").
_LEGAL_FORM = re.compile(
    r"^(?:công ty(?: (?:tnhh|cổ phần|cp))?|cty|ctcp)\s+|"
    r"\s*,?\s+(?:co\.?|company|corp\.?|corporation|ltd\.?|llc|inc\.?|jsc|b\.?v\.?|n\.?v\.?|"
    r"ltd\.? şti\.?|a\.ş\.?|tnhh)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Recipient:
    """The client as a letter sees it: a company, or a person (with a title when one is known)."""

    company: str  # the client's name, as filed
    person: str | None = None  # the contact, without a courtesy title
    gender: str | None = None  # "f", "m" or None (not known)

    @property
    def given(self) -> str:
        return given_name(self.person or self.company)


@dataclass(frozen=True)
class Sender:
    """Who signs: the freelancer's name and signature lines (either may be missing)."""

    name: str | None = None
    signature: str | None = None


@dataclass(frozen=True)
class Letterhead:
    """Who a letter is addressed to and signed by."""
    recipient: Recipient
    sender: Sender


def parse_contact(contact: str | None) -> tuple[str | None, str | None]:
    """("chị Trần Thị Mai") -> ("Trần Thị Mai", "f"); a title is read, never guessed from the name alone,
    except the Vietnamese middle names "Thị" (a woman) and "Văn" (a man), which say it plainly."""
    if not contact or not contact.strip():
        return None, None
    words = contact.split()
    gender = None
    while len(words) > 1 and words[0].casefold() in _TITLE_WORDS:
        word = words.pop(0).casefold()
        gender = gender or ("f" if word in _FEMALE else "m" if word in _MALE else None)
    if gender is None and len(words) >= 3 and words[0].casefold() in _VI_FAMILY:
        middle = {w.casefold() for w in words[1:-1]}
        gender = "f" if "thị" in middle else "m" if "văn" in middle else None
    return " ".join(words), gender


def given_name(full: str) -> str:
    """The name a greeting uses: "Mai" for "Trần Thị Mai" (family name first), "Anna" for "Anna de Vries"."""
    words = full.split()
    if len(words) < 2:
        return full.strip()
    if words[0].casefold() in _VI_FAMILY:
        return words[-1]
    return words[0]


def company_short(name: str) -> str:
    """The company without its legal form, for "Quý công ty Minh Anh" and "Dear Minh Anh team"."""
    short = _LEGAL_FORM.sub("", name.strip()).strip(" ,")
    return short or name.strip()


def recipient_of(client: "Client") -> Recipient:
    person, gender = parse_contact(client.contact)
    return Recipient(company=client.name, person=person, gender=gender)


def sender_of(settings: "UserSettings | None") -> Sender:
    if settings is None:
        return Sender()
    return Sender(name=settings.display_name, signature=settings.signature)


def _form(recipient: Recipient) -> str:
    if recipient.person is None:
        return "company"
    return {"f": "person_f", "m": "person_m"}.get(recipient.gender or "", "person")


#: How a letter says "you", per form of address.
YOU: dict[str, str] = {
    "company": "letter.you.company",
    "person": "letter.you.person",
    "person_f": "letter.you.person_f",
    "person_m": "letter.you.person_m",
}
#: How a letter opens, per form of address; a title and a surname alone, per gender.
GREETINGS: dict[str, str] = {
    "company": "letter.greeting.company",
    "person": "letter.greeting.person",
    "person_f": "letter.greeting.person_f",
    "person_m": "letter.greeting.person_m",
}
TITLED_GREETINGS: dict[str, str] = {"f": "letter.greeting.titled_f", "m": "letter.greeting.titled_m"}


def values(t: Messages, recipient: Recipient) -> dict[str, str]:
    """Placeholders every letter line may use: how to say "you" to this recipient ({you}, {You})."""
    form = _form(recipient)
    you = t(YOU[form])
    return {"you": you, "You": you[:1].upper() + you[1:]}


def greeting(t: Messages, recipient: Recipient) -> str:
    form = _form(recipient)
    full = recipient.person or recipient.company
    if form != "person" and recipient.person and len(recipient.person.split()) == 1:
        # "mevrouw Jansen": a title and a surname only; "Beste Jansen," would be rude, so the title stays
        return t(TITLED_GREETINGS[recipient.gender or ""], surname=recipient.person)
    return t(
        GREETINGS[form],
        given=given_name(full),
        full=full,
        company=company_short(recipient.company),
    )


def closing(t: Messages, sender: Sender, short: bool = False) -> str:
    """The sign-off, the name under it and the signature lines; nothing is left for the user to fill in."""
    lines = [t("dialogue.script.signoff_short" if short else "dialogue.script.signoff")]
    if sender.name:
        lines.append(sender.name)
    if sender.signature:
        lines.extend(line.strip() for line in sender.signature.replace("\\n", "\n").split("\n") if line.strip())
    return "\n".join(lines)


def formal_date(language: str, d: date) -> str:
    """The date as a letter writes it: "30 januari 2027", "ngày 30 tháng 1 năm 2027", "30 Ocak 2027"."""
    return fmt.formal_day(language, d)


def letterhead(ctx: "Context", client: "Client") -> Letterhead:
    return Letterhead(recipient_of(client), sender_of(ctx.settings))


def ask_signature_once(ctx: "Context") -> str:
    """The first time a letter is shown to a user with no name on file, say how to sign letters (once)."""
    if ctx.settings.display_name:
        return ""
    if not ctx.store.users.mark_letter_prompted(ctx.owner):
        return ""
    return ctx.t("letter.ask_signature")
