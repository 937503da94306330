"""One worker of the classroom deployment: ``streamlit run`` with TCP_NODELAY on every connection it
accepts, from the first one (``gd_ui/nodelay.py`` says why).

    python deploy/worker.py run app.py --server.port=8601 …   (the arguments of ``streamlit``)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gd_ui import nodelay

if __name__ == "__main__":
    nodelay.apply()
    from streamlit.web.cli import main

    main(prog_name="streamlit")
