"""The homepage in a real browser: headless Chromium loads out/index.html from a file URL,
the DOM it builds holds the JSON-LD and the publication list, and it renders a screenshot at
desktop and phone widths (saved in the test's temporary folder, to be looked at).

Chromium comes from Debian (`chromium`); tests/run.sh installs it, and so does this test when
it runs as root with apt-get. Only where neither works is the test skipped, saying why.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
from pathlib import Path

import lxml.html
import pytest

from kg import load_graph
from tests.conftest import DATA

pytestmark = pytest.mark.slow

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
TIMEOUT = 180


def _installed() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    return found


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's Chromium, installed here if it is missing and we may; else a clear skip."""
    found = _installed()
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip(
            "Chromium is not installed and cannot be installed here (needs root and apt-get); "
            "install Debian's `chromium` or run tests/run.sh as root"
        )
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        try:
            subprocess.run(command, env=environment, capture_output=True, timeout=900, check=False)
        except (OSError, subprocess.SubprocessError):
            break
    found = _installed()
    if found is None:
        pytest.skip("Chromium is not installed and `apt-get install chromium` failed here")
    return found


def run(chromium: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """One headless Chromium run with a fresh profile; no network beyond the file URL."""
    return subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_chromium_renders_the_homepage(chromium: str, built: Path, tmp_path: Path) -> None:
    url = (built / "index.html").resolve().as_uri()
    dumped = run(chromium, tmp_path / "profile-dom", "--dump-dom", url)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = lxml.html.document_fromstring(dumped.stdout)

    scripts = dom.xpath("//script[@type='application/ld+json']")
    assert len(scripts) == 1
    embedded = json.loads(scripts[0].text)
    assert embedded["@type"] == "ProfilePage"
    assert embedded["mainEntity"]["name"] == "Sebastian Lapuschkin"

    dataset = load_graph(DATA)[0]
    versions = sum(len(work.get("versions")) for work in dataset.records("works"))
    entries = dom.xpath("//section[@id='publications']//ol[@class='pubs']/li")
    assert len(entries) == versions == len(embedded["hasPart"]) - 6  # + 3 theses, 3 patents
    assert dom.xpath("//section[@id='publications']//svg//rect")

    for name, width in (("home.png", 1280), ("home-mobile.png", 390)):
        shot = tmp_path / name
        result = run(
            chromium,
            tmp_path / f"profile-{width}",
            f"--screenshot={shot}",
            f"--window-size={width},2400",
            url,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert png_size(shot) == (width, 2400)
        assert shot.stat().st_size > 50_000, "a rendered page, not a blank one"
