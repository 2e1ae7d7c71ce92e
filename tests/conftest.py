"""Tests run as the course runs, with one BLAS thread: ``python3 course.py test`` sets it, and a plain
``pytest`` gets it here, before any test module imports numpy. With several BLAS threads, the overflow
inside a matrix product happens in one of BLAS's threads and ``np.errstate`` never sees it
(tests/test_parallel.py's errstate tests), and cnn_lib.parallel keeps to one core."""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
