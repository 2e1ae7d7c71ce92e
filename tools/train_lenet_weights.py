"""Train notebook 05's network with notebook 05's recipe and save it as cnn_lib/datasets/lenet_05.npz.

Usage (from the repository root, one BLAS thread as the course runs; about 6 s on two cores):

    OPENBLAS_NUM_THREADS=1 python tools/train_lenet_weights.py [--out NPZ]

The recipe is ``cnn_lib.pretrained.RECIPE``: ``lenet(seed=0)``; the 3,500 training digits of
notebook 05 (its last 500 are validation); Adam; 5 epochs at lr 0.003 then 3 at 0.0005, batch 64,
the shuffles seeded 0 and 1. The .npz holds float32 arrays named as PyTorch names them
(``"0.weight"``, ``"0.bias"``, ``"3.weight"``, ...). The script prints the validation and test
accuracy and the file's sha256; cnn_lib/datasets/README.md records them. Retraining on another
machine or BLAS can change the last bits of the weights (sums round differently), not the recipe.
"""
import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cnn_lib import evaluate  # noqa: E402
from cnn_lib.pretrained import RECIPE, WEIGHTS_NPZ, parameter_dict, split_05, train_lenet  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=WEIGHTS_NPZ)
    args = parser.parse_args()
    x_train, y_train, x_val, y_val, x_test, y_test = split_05()
    start = time.perf_counter()
    model, histories = train_lenet(x_train, y_train, validation=(x_val, y_val))
    print(f"recipe {RECIPE}: trained in {time.perf_counter() - start:.1f} s")
    print(f"validation accuracy {histories[-1].val_accuracy[-1]:.1%}, "
          f"test accuracy {evaluate(model, x_test, y_test)[1]:.1%}")
    np.savez_compressed(args.out, **parameter_dict(model))
    print(f"wrote {args.out}: {args.out.stat().st_size:,} bytes, sha256 "
          f"{hashlib.sha256(args.out.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
