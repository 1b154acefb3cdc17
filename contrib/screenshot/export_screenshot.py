# growthmap: regenerates docs/export-screenshot.png with headless Chromium.
"""Regenerate docs/export-screenshot.png: the HTML export of a demo ledger (a quarter of
one engineer's reviewed work, `demo_ledger.py`), made by the real `growthmap export` and
rendered by headless Chromium (Debian: `apt-get install chromium`).

    python contrib/screenshot/export_screenshot.py [--out docs/export-screenshot.png]
        [--chromium chromium] [--keep DIR]

Chromium runs with a fresh profile and without any network feature; the page itself
fetches nothing (its Content-Security-Policy forbids it)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from demo_ledger import AS_OF, OWNER, QUARTER, draft_and_edit, populate, write_config

from collector.config import parse_settings
from collector.ledger import open_ledger

ROOT = Path(__file__).resolve().parents[2]
WINDOW = "1200,1800"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


def build_export(folder: Path) -> Path:
    """The demo ledger, its weeks drafted, then `growthmap export --format html`."""
    config = write_config(folder)
    settings = parse_settings(tomllib.loads(config.read_text("utf-8")), config)
    ledger = open_ledger(settings.ledger_url, OWNER)
    try:
        draft_and_edit(ledger, settings, populate(ledger))
    finally:
        ledger.close()
    page = folder / "export.html"
    command = [
        sys.executable, "-m", "collector", "export", "--config", str(config), "--format",
        "html", "--quarter", QUARTER, "--as-of", AS_OF, "-o", str(page),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    return page


def screenshot(page: Path, out: Path, chromium: str, folder: Path) -> None:
    binary = shutil.which(chromium)
    if binary is None:
        sys.exit(f"{chromium!r} not found: install Chromium (Debian: apt-get install chromium)")
    profile = folder / "chromium-profile"  # fresh: nothing of a user's browser
    command = [
        binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={WINDOW}",
        f"--screenshot={out}", page.as_uri(),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    if not out.is_file():
        sys.exit(f"Chromium wrote no screenshot to {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "export-screenshot.png")
    parser.add_argument("--chromium", default="chromium")
    parser.add_argument("--keep", type=Path, help="also keep the ledger and the HTML here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="growthmap-shot-") as temp:
        folder = Path(temp)
        page = build_export(folder)
        screenshot(page, args.out.resolve(), args.chromium, folder)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for name in ("config.toml", "ledger.db", "export.html"):
                shutil.copy2(folder / name, args.keep / name)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
