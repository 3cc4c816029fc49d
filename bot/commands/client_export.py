"""`/client export <name>`: the Markdown dossier and the CSV of one client (the files are built in `bot/export.py`)."""
from __future__ import annotations

from bot import collector
from bot.commands.client import CLIENT_GROUP, THE_CLIENT
from bot.context import Context
from bot.declare import Args
from bot.export import Dossier, slug
from bot.parser import find_client
from bot.replies import Attachment, Reply
from storage.records import Client

USAGE = "export.usage"


@CLIENT_GROUP.sub("export", usage=USAGE, help=("help.client_export",), slow=True, long=True, options=(THE_CLIENT,))
def export(ctx: Context, args: Args) -> list[Reply]:
    """`/client export <name>`: the whole rest is the client's name, quoted or not."""
    return export_client(ctx, args.text("client"))


def export_client(ctx: Context, name: str) -> list[Reply]:
    """The export of the client the user named."""
    return export_for(ctx, find_client(ctx, name, USAGE))


def export_for(ctx: Context, client: Client) -> list[Reply]:
    """The two files, or a short answer when there is nothing on file (also the Export button of a correction)."""
    with collector.paused():  # every row read and event made lives until the files are written (issue 20)
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
        count = len(dossier.events)
        del dossier  # its rows and events go now, by reference counting, before the collector is back
    return [
        Reply(
            text=ctx.t.n("export.ready", count, name=client.name),
            context=ctx.t("export.ready_hint"),
            files=files,
        )
    ]
