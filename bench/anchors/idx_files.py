"""Fashion-MNIST's gzipped IDX files as numpy arrays, for the anchors that read them (the one-shot anchors and
classify_recipe.py)."""
import gzip

import numpy as np


def read_idx(folder, name, offset):
    """The bytes after the header of FOLDER/NAME.gz (offset 16 for images, 8 for labels)."""
    with gzip.open(f"{folder}/{name}.gz") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)
