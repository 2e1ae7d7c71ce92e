"""Every registered exercise accepts its solution and names the mistake in each typical wrong answer."""
import pytest

from cnn_lib.exercises import REGISTRY, Feedback, check_choice, check_number, check_output_size


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_solution_is_accepted(name):
    exercise = REGISTRY[name]
    feedback = exercise.check(exercise.solution)
    assert isinstance(feedback, Feedback) and feedback.correct, f"{name}: {feedback}"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_typical_mistakes_get_their_hint(name):
    exercise = REGISTRY[name]
    assert exercise.wrong, f"{name} names no typical wrong answer"
    for answer, words in exercise.wrong.items():
        feedback = exercise.check(answer)
        assert not feedback.correct, f"{name}: wrong answer {answer!r} was accepted"
        assert words.lower() in feedback.message.lower(), f"{name}: {answer!r} got {feedback.message!r}, expected {words!r}"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_placeholder_asks_for_an_answer(name):
    feedback = REGISTRY[name].check(...)
    assert not feedback.correct and "replace the ..." in feedback.message


def test_output_size_recognises_each_slip():
    assert check_output_size(59, 128, 11, 2)
    assert "rounded up" in check_output_size(60, 128, 11, 2).message
    assert "+ 1" in check_output_size(58, 128, 11, 2).message
    assert check_output_size(32, 32, 5, 1, padding=2)
    assert "both sides" in check_output_size(30, 32, 5, 1, padding=2).message      # 32 + 2 - 5 + 1
    assert "left out the padding" in check_output_size(28, 32, 5, 1, padding=2).message
    assert "span" in check_output_size(30, 32, 3, 1, dilation=2).message            # k instead of 5
    assert check_output_size(28, 32, 3, 1, dilation=2)


def test_feedback_prints_one_line_and_is_truthy_only_when_right():
    right, wrong = Feedback(True, "yes."), Feedback(False, "no.")
    assert bool(right) and not bool(wrong)
    assert repr(right).startswith("✔ Correct") and repr(wrong).startswith("✘ Not yet")


def test_generic_checkers():
    assert check_number(0.5, 0.5000001, tolerance=1e-3)
    assert "number" in check_number("5", 5).message
    assert "too large" in check_number(7, 5).message
    assert "not a finite number" in check_number(float("nan"), 5).message
    assert check_choice("B", "b", ["a", "b"])
    assert "choose one of" in check_choice("z", "b", ["a", "b"]).message
    assert check_choice("a", "b", ["a", "b"], hints={"a": "look at the edges"}).message == "look at the edges"


def test_every_exercise_module_is_imported_and_registers_exercises():
    """No hand-kept list: every file in cnn_lib/exercises is imported, so the audit above sees it."""
    import sys
    from pathlib import Path

    import cnn_lib.exercises as package
    on_disk = sorted(p.stem for p in Path(package.__file__).parent.glob("*.py") if p.stem not in ("__init__", "core"))
    assert package.MODULES == on_disk and len(on_disk) >= 5
    assert all(f"cnn_lib.exercises.{name}" in sys.modules for name in on_disk)
    registered_by = {exercise.check.func.__module__ if hasattr(exercise.check, "func") else exercise.check.__module__
                     for exercise in REGISTRY.values()}
    notebook_modules = {f"cnn_lib.exercises.{name}" for name in on_disk if name.startswith("nb")}
    assert len(notebook_modules) >= 5 and notebook_modules <= registered_by   # each notebook's module registers some
