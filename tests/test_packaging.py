"""pyproject.toml in the current packaging form, so installing Redflag prints no warning of its own."""
from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_license_is_an_spdx_string_and_the_backend_understands_it() -> None:
    data = tomllib.loads(PYPROJECT.read_text())
    assert data["project"]["license"] == "MIT"  # PEP 639: not the deprecated {text = ...} table
    requires = data["build-system"]["requires"]
    assert any(r.replace(" ", "").startswith("setuptools>=77") for r in requires), requires  # the first to read it
    assert "wheel" not in requires  # setuptools builds wheels itself; listing it is outdated
    assert not any(c.startswith("License ::") for c in data["project"].get("classifiers", ()))  # superseded by the SPDX string
