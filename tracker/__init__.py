"""Key Project Tracker (重点项目全程服务平台)."""

import sys
from pathlib import Path

# piccolo_conf.py sits at the repository root (the customer's layout); make it importable from
# the `tracker` console script and any working directory.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.append(_ROOT)
