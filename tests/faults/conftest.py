"""Make the fault-case modules and the evaluation fixtures importable under --import-mode=importlib."""
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
for _path in (str(_HERE), str(_HERE.parent / 'evaluation')):
    if _path not in sys.path:
        sys.path.insert(0, _path)
