"""The ready-to-send message to the client, and the checklist that goes with it.

One script per case (late payment, scope creep, style mismatch, abuse,
unethical, hate the work, capacity, repair, keep), in the user's language,
put together from catalog lines so every language can word each part its own
way: a greeting for the recipient (company or contact person, `bot/letters.py`),
the case's body (which carries the one short reason), then only the lines that
apply — notice with its end date in full, money still owed, refund, referral —
and a sign-off with the user's name and signature. Nothing is left as a hole
to fill in by hand.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot import letters, money
from bot.dialogue.evidence import Evidence
from bot.dialogue.verdict import Verdict
from bot.dialogue.wording import CHECKS, SCRIPT_BODIES, SCRIPT_ITEMS
from bot.i18n import Messages
from bot.letters import Letterhead, Recipient, Sender
from bot.parser import quote


@dataclass(frozen=True)
class Script:
    message: str  # what the user sends to the client
    checklist: tuple[str, ...]  # next steps for the user, one line each


def notice_end(today: date, verdict: Verdict) -> date:
    return today + timedelta(days=verdict.notice_days)


def message(t: Messages, verdict: Verdict, evidence: Evidence, today: date, head: Letterhead | None = None) -> str:
    head = head or Letterhead(Recipient(company=evidence.client_name), Sender())
    name = evidence.client_name
    owed = money.text(t.language, evidence.owed)
    case = verdict.case
    you = letters.values(t, head.recipient)
    parts: list[str] = [letters.greeting(t, head.recipient), t(SCRIPT_BODIES[case], name=name, **you)]

    if case == "repair":
        parts.append("\n".join("• " + t(SCRIPT_ITEMS[slug], **you) for slug in verdict.renegotiate))
        parts.append(t("dialogue.script.repair_call", **you))
    paused = bool(owed) and case == "late_payment"
    if verdict.kind == "fire_notice":
        end = letters.formal_date(t.language, notice_end(today, verdict))
        # When the work pauses until the arrears are paid, the notice must not promise work meanwhile.
        parts.append(t.n("dialogue.script.notice_paused" if paused else "dialogue.script.notice",
                         verdict.notice_days, end=end, **you))
    if owed:
        if paused:
            parts.append(t("dialogue.script.owed_pause", owed=owed, **you))
        elif verdict.kind in ("fire_notice", "fire_now"):
            parts.append(t("dialogue.script.owed_final", owed=owed, **you))
        else:
            parts.append(t("dialogue.script.owed_open", owed=owed, **you))
    if verdict.refund:
        parts.append(t("dialogue.script.refund", **you))
    if verdict.referral:
        parts.append(t("dialogue.script.referral_agency" if case == "capacity" else "dialogue.script.referral", **you))
    if verdict.kind == "fire_notice":
        parts.append(t("dialogue.script.thanks", name=name, **you))
    parts.append(letters.closing(t, head.sender, short=verdict.kind == "fire_now"))
    return "\n\n".join(p for p in parts if p)


def checklist(t: Messages, verdict: Verdict, evidence: Evidence) -> tuple[str, ...]:
    values = {
        "name": evidence.client_name,
        "owed": money.text(t.language, evidence.owed),
        "export": "/client export " + quote(evidence.client_name),
        "fire": "/fire " + quote(evidence.client_name),
        "incident": "/incident " + quote(evidence.client_name),
    }
    return tuple(t(CHECKS[slug], **values) for slug in verdict.checklist)


def compose(t: Messages, verdict: Verdict, evidence: Evidence, today: date, head: Letterhead | None = None) -> Script:
    """The letter (addressed and signed per `head`; the client by name, unsigned, without one) and the checklist."""
    return Script(message=message(t, verdict, evidence, today, head), checklist=checklist(t, verdict, evidence))
