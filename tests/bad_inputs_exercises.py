"""Learner-style bad arguments to check_implementation (contract 7): it never raises, it answers.

Each ``expect`` receives the Feedback and asserts it is a "not yet" that says what to fix.
"""
import numpy as np

from cnn_lib.exercises import check_implementation


def _says(*words):
    def expect(feedback):
        assert not feedback, feedback
        for word in words:
            assert word in feedback.message, (word, feedback.message)
    return expect


def _relu_backward(dy, x):
    return dy * (x > 0)


CASES = [
    ("cnn_lib.exercises.check_implementation", lambda: check_implementation("conv2d_nave", _relu_backward),
     _says("did you mean 'conv2d_naive'", "got 'conv2d_nave'", "Hint")),
    ("cnn_lib.exercises.check_implementation", lambda: check_implementation(None, _relu_backward),
     _says("name must be one of", "got None")),
    ("cnn_lib.exercises.check_implementation", lambda: check_implementation(_relu_backward, "relu_backward"),
     _says("name must be one of")),
    ("cnn_lib.exercises.check_implementation", lambda: check_implementation("relu_backward", _relu_backward(
        np.ones(2), np.ones(2))), _says("must be your function", "not its result")),
    ("cnn_lib.exercises.check_implementation", lambda: check_implementation("relu_backward", "relu_backward"),
     _says("pass the function itself")),
    ("cnn_lib.exercises.check_implementation", lambda: check_implementation("relu_backward", None),
     _says("must be your function", "got None")),
    ("cnn_lib.exercises.check_implementation", lambda: check_implementation("relu_backward", lambda dy, x, z: dy),
     _says("must take relu_backward(dy, x)")),
    ("cnn_lib.exercises.check_implementation", lambda: check_implementation("output_size", lambda n, k, s, p: [3]),
     _says("must be one number")),
    ("cnn_lib.exercises.check_implementation", lambda: check_implementation("linear_backward", lambda dy, x, w: dy),
     _says("return 3 values")),
    ("cnn_lib.exercises.check_implementation", lambda: check_implementation("relu_backward", _relu_backward),
     lambda feedback: bool(feedback) or (_ for _ in ()).throw(AssertionError(feedback))),
]
