"""The project's in-process limit (bench/transform/pyvips_limit.py: the server's own decode,
resize and encode calls, no HTTP), run by bench16.py with the carried wheels on PYTHONPATH:

    python ik_limit.py IMAGE SECONDS [--chroma-444]      # prints: images CPU-seconds
"""

import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
runpy.run_module("bench.transform.pyvips_limit", run_name="__main__")
