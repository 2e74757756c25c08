"""The CLI module loads without the server: server packages are imported inside commands."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import refdesk.cli.main
heavy = sorted(
    m for m in sys.modules
    if m.startswith(("refdesk.server", "sqlalchemy", "fastapi", "starlette", "uvicorn", "pydantic"))
)
print(",".join(heavy))
"""


def test_cli_imports_no_server_packages() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == ""
