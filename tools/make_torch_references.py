"""Store PyTorch's numbers for notebook 07's layers, so tests can compare without torch installed.

Run with a Python that has torch (kept out of the course's requirements), from the repository root:

    <python with torch> tools/make_torch_references.py      # writes cnn_lib/datasets/torch_blocks.npz

Every case draws its inputs, weights and upstream gradient ``dy`` with numpy (seeded), runs them
through torch in float64 (forward, then ``backward(dy)``), and stores inputs and results under
``<case>/<name>`` keys. ``tests/test_blocks.py`` feeds the same inputs to cnn_lib's layers.
"""
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parents[1] / "cnn_lib" / "datasets" / "torch_blocks.npz"
rng = np.random.default_rng(2026)
store = {}


def t(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def run(case, module, x, mode):
    """Forward and backward of ``module`` on ``x`` in ``mode``; store inputs, outputs, gradients."""
    module = module.double().train(mode == "train")
    params = {name: p.detach().numpy().copy() for name, p in module.named_parameters()}
    xt = t(x)
    y = module(xt)
    dy = rng.standard_normal(tuple(y.shape))
    y.backward(torch.tensor(dy))
    store.update({f"{case}/x": x, f"{case}/dy": dy, f"{case}/y": y.detach().numpy(),
                  f"{case}/dx": xt.grad.numpy()})
    for name, p in module.named_parameters():
        store[f"{case}/param/{name}"] = params[name]
        store[f"{case}/grad/{name}"] = p.grad.numpy()
    for name, b in module.named_buffers():
        if b.dtype == torch.float64:
            store[f"{case}/buffer/{name}"] = b.detach().numpy().copy()


def randomize(module):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.tensor(rng.standard_normal(tuple(p.shape))))
    return module


class Residual(torch.nn.Module):
    def __init__(self, *layers):
        super().__init__()
        self.f = torch.nn.Sequential(*layers)

    def forward(self, x):
        return x + self.f(x)


# BatchNorm2d: a training step (batch statistics, running statistics updated), then evaluation
# mode with running statistics set to non-trivial values.
bn = randomize(torch.nn.BatchNorm2d(3, eps=1e-5, momentum=0.1))
run("bn_train", bn, rng.normal(2.0, 3.0, (4, 3, 5, 6)), "train")
bn = randomize(torch.nn.BatchNorm2d(3, eps=1e-3, momentum=0.3))
with torch.no_grad():
    bn.running_mean.copy_(torch.tensor(rng.standard_normal(3)))
    bn.running_var.copy_(torch.tensor(rng.uniform(0.5, 2.0, 3)))
store["bn_eval/running_mean"] = bn.running_mean.numpy().astype(np.float64).copy()
store["bn_eval/running_var"] = bn.running_var.numpy().astype(np.float64).copy()
run("bn_eval", bn, rng.standard_normal((2, 3, 4, 4)), "eval")

run("avgpool_k2", torch.nn.AvgPool2d(2), rng.standard_normal((2, 3, 6, 7)), "train")
run("avgpool_k3s2", torch.nn.AvgPool2d(3, stride=2), rng.standard_normal((2, 2, 7, 8)), "train")
run("gap", torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten()),
    rng.standard_normal((3, 4, 5, 6)), "train")
run("dropout_eval", torch.nn.Dropout(0.3), rng.standard_normal((2, 3, 4, 4)), "eval")

for name, (c_in, c_out, k, s, p, op) in {"convt_s1": (3, 2, 3, 1, 0, 0), "convt_s2": (2, 3, 3, 2, 1, 1),
                                         "convt_s3": (2, 2, 4, 3, 2, 2), "convt_k2s2": (3, 2, 2, 2, 0, 0)}.items():
    layer = randomize(torch.nn.ConvTranspose2d(c_in, c_out, k, stride=s, padding=p, output_padding=op))
    store[f"{name}/config"] = np.array([c_in, c_out, k, s, p, op])
    run(name, layer, rng.standard_normal((2, c_in, 4, 5)), "train")

for name, (c_in, c_out, k, s, p, g) in {"conv_g2": (4, 6, 3, 1, 1, 2), "conv_dw": (3, 3, 3, 2, 1, 3),
                                        "conv_dw_x2": (2, 4, 3, 1, 0, 2)}.items():
    layer = randomize(torch.nn.Conv2d(c_in, c_out, k, stride=s, padding=p, groups=g))
    store[f"{name}/config"] = np.array([c_in, c_out, k, s, p, g])
    run(name, layer, rng.standard_normal((2, c_in, 6, 7)), "train")

for mode in ("train", "eval"):
    block = randomize(Residual(torch.nn.Conv2d(3, 3, 3, padding=1), torch.nn.BatchNorm2d(3), torch.nn.ReLU()))
    with torch.no_grad():
        block.f[1].running_mean.copy_(torch.tensor(rng.standard_normal(3)))
        block.f[1].running_var.copy_(torch.tensor(rng.uniform(0.5, 2.0, 3)))
    store[f"residual_{mode}/running_mean"] = block.f[1].running_mean.numpy().copy()
    store[f"residual_{mode}/running_var"] = block.f[1].running_var.numpy().copy()
    run(f"residual_{mode}", block, rng.standard_normal((2, 3, 5, 5)), mode)

store["torch_version"] = np.array(torch.__version__)
OUT.parent.mkdir(exist_ok=True)
np.savez_compressed(OUT, **store)
print(f"wrote {len(store)} arrays to {OUT.relative_to(OUT.parents[2])} (torch {torch.__version__})")
