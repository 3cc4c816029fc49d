"""`/client export <name>`: the Markdown dossier and the CSV of one client (the files are built in `bot/export.py`)."""
from __future__ import annotations

from bot.context import Context
from bot.export import Dossier, slug
from bot.parser import Token, find_client
from bot.replies import Attachment, Reply
from storage.records import Client

USAGE = "export.usage"


def export_client(ctx: Context, rest: str, tokens: list[Token]) -> list[Reply]:
    """`/client export <name>`: the whole rest is the client's name, quoted or not."""
    return export_for(ctx, find_client(ctx, " ".join(tok.value for tok in tokens), USAGE))


def export_for(ctx: Context, client: Client) -> list[Reply]:
    """The two files, or a short answer when there is nothing on file (also the Export button of a correction)."""
    dossier = Dossier(ctx, client)
    if not dossier.events:
        return [Reply(text=ctx.t("export.empty", name=client.name), context=ctx.t("export.empty_hint", name=client.name))]
    # The client's id and the local time make the name unique: "Acme!" and "Acme?" share a slug,
    # and two exports of one client on one day must not overwrite each other.
    stamp = ctx.now.astimezone(ctx.tz).strftime("%Y-%m-%d-%H%M%S")
    base = f"redflag-{slug(client.name, 'client')}-{client.id}-{stamp}"
    files = (
        Attachment(f"{base}.md", dossier.markdown(), "text/markdown; charset=utf-8", ctx.t("export.file_md", name=client.name)),
        Attachment(f"{base}.csv", dossier.csv(), "text/csv; charset=utf-8", ctx.t("export.file_csv", name=client.name)),
    )
    return [
        Reply(
            text=ctx.t.n("export.ready", len(dossier.events), name=client.name),
            context=ctx.t("export.ready_hint"),
            files=files,
        )
    ]
