"""The store is UI-free: importing it (and running a sync's code) loads no Textual or rich."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_store_loads_no_ui():
    code = (
        "import sys, pkgtui.store, pkgtui.store.sync, pkgtui.store.members, pkgtui.api.v3, pkgtui.sync_command; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
