"""`redflag`'s command line: plain `redflag` parses as before without building the operator subcommands (issue 20)."""
from __future__ import annotations

import pytest

from redflag import cli


def test_plain_redflag_reads_as_the_full_command_line_reads_it() -> None:
    assert vars(cli._parser(subcommands=False).parse_args([])) == vars(cli._parser().parse_args([]))


@pytest.mark.parametrize("words", [["serve", "--no-scheduler"], ["db", "current"], ["--log-level", "INFO"], ["backup", "x.db"]])
def test_any_argument_gets_the_full_command_line(words: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = cli._parser

    def spy(subcommands: bool = True):  # type: ignore[no-untyped-def]
        seen.append(subcommands)
        return real(subcommands)

    monkeypatch.setattr(cli, "_parser", spy)
    monkeypatch.setattr(cli, "_main", lambda args, env: 0)
    assert cli.main(words) == 0
    assert seen == [True]


def test_help_still_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for name in ("serve", "nudges", "discord", "backup", "restore", "db"):
        assert name in out
