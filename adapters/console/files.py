"""Saving an attachment in the console's export folder without ever overwriting a file.

The core already gives exports unique names (client id and time); should two
land on the same name anyway (two exports in one second), the file is created
exclusively and gets a counter instead of replacing the first. The path shown
is absolute, so it still works when the user is in another folder.
"""
from __future__ import annotations

from pathlib import Path

from bot.replies import Attachment


def save(folder: Path, attachment: Attachment) -> Path:
    """Write the attachment as a new file in `folder`; returns its absolute path."""
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(attachment.filename).name  # never a path from elsewhere
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in range(1, 10_000):
        path = (folder / (name if n == 1 else f"{stem}-{n}{suffix}")).resolve()
        try:
            with open(path, "xb") as fh:
                fh.write(attachment.content)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(str(folder / name))
