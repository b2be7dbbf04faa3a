"""The numbers the module and its hosts share, read from assembly/constants.ts (whose lines are
`export const NAME = literal;`), so that the recipes never write one of them again.
`python3 models/train/constants.py` prints them as JSON (test/constants.test.ts compares)."""
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_constants(path=os.path.join(ROOT, "assembly", "constants.ts")):
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"export const (\w+) = (0x[0-9a-fA-F]+|[0-9]+\.[0-9]+|[0-9]+);", line)
            if m:
                v = m.group(2)
                out[m.group(1)] = int(v, 16) if v.startswith("0x") else float(v) if "." in v else int(v)
    return out


CONSTANTS = read_constants()
# Real feature = the frontend's int16 output · FEATURE_SCALE.
FEATURE_SCALE = CONSTANTS["FEATURE_SCALE"]

if __name__ == "__main__":
    print(json.dumps(CONSTANTS))
