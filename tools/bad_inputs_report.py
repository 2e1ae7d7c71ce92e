"""Run the bad-input table (tests/bad_inputs_*.py) against a cnn_lib checkout and count how each case fares.

Usage: python tools/bad_inputs_report.py <folder holding cnn_lib> tests/bad_inputs_core.py [...]
E.g. against main: git archive main | tar -x -C /tmp/old; python tools/bad_inputs_report.py /tmp/old tests/bad_inputs_core.py
Memory is capped at 3 GiB (a giant allocation fails fast) and each case at 10 s (a hang is reported).
"""
import collections
import importlib.util
import resource
import signal
import sys
import warnings

resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
warnings.simplefilter("ignore")
sys.path.insert(0, sys.argv[1])
import cnn_lib
print("cnn_lib from", cnn_lib.__file__, file=sys.stderr)
class Hang(Exception): pass
def alarm(*_): raise Hang()
signal.signal(signal.SIGALRM, alarm)
out = collections.Counter()
for path in sys.argv[2:]:
    spec = importlib.util.spec_from_file_location("cases", path); mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    for (target, call, expect), category in zip(mod.CASES, mod.CATEGORY):
        name = target.rsplit(".", 1)[-1]
        words_check = None
        if hasattr(call, "inner"):
            words_check, expect, call = expect, call.error, call.inner
        signal.alarm(10)
        try:
            try:
                result = call()
                if isinstance(expect, type):
                    verdict = "returned (no error)"
                else:
                    try:
                        expect(result); verdict = "right result"
                    except Exception as e:
                        verdict = "wrong result / refused" 
            except Hang:
                verdict = "hang (>10 s)"
            except MemoryError:
                verdict = "giant allocation"
            except Exception as e:
                msg = str(e)
                ok_words = True
                if words_check is not None:
                    try: words_check(msg)
                    except AssertionError: ok_words = False
                if isinstance(expect, type) and isinstance(e, expect) and name in msg and "got" in msg and "Hint" in msg and ok_words:
                    verdict = "clear error"
                elif isinstance(expect, type):
                    verdict = "unclear error"
                else:
                    verdict = "error on valid input"
        finally:
            signal.alarm(0)
        out[(category, verdict)] += 1
for k, v in sorted(out.items()):
    print(f"{v:4d}  {k[0]:8s} {k[1]}")
