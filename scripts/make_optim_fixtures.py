#!/usr/bin/env python3
"""PyTorch reference fixtures for FlintOptim: optimizers, learning-rate schedules, gradient clipping.

Writes Tests/FlintOptimTests/Fixtures/torch_optim.json, which Tests/FlintOptimTests reads:

- "optimizers": for each case (an optimizer class, its options and one or two parameter groups with
  their own lr and weight_decay), the initial parameters, a fixed gradient for each of 5 steps, and
  torch's parameters and per-parameter state ("<parameter>.<state name>") after every step; every
  case in float64 and in float32.
- "schedules": for each case, the learning rate of each of two parameter groups at construction and
  after each of 30 steps (ReduceLROnPlateau is driven by a fixed metric sequence stored in the case).
- "clipping": gradients, the total norm clip_grad_norm_ returns and the clipped gradients (or the
  clip_grad_value_ result), in float64 and float32.

CI never runs this script (it has no PyTorch); the JSON file is committed. Run it from the
repository root with a Python that has PyTorch (CPU is enough):

    .venv/bin/python scripts/make_optim_fixtures.py            # rewrite the fixture file
    .venv/bin/python scripts/make_optim_fixtures.py --check    # exit 1 if the file is stale
    .venv/bin/python scripts/make_optim_fixtures.py --list     # print the case names

Adding a case: add a line to OPTIMIZER_CASES, SCHEDULE_CASES or CLIPPING_CASES and rerun. Optimizer
cases are built in Swift from the class name and the options (an unknown class or option fails the
test); schedule cases need the same name in the table of OptimFixtureTests.swift (a case without a
mapping fails). Every case draws its random values from a generator seeded by its own name.

torch.optim has no Lion: the Lion case uses the reference implementation below, which follows the
published algorithm (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms") as written
in lucidrains/lion-pytorch. The warm-up + cosine schedule is transformers'
get_cosine_schedule_with_warmup, whose lambda is copied below (transformers is not installed).
"""

import argparse
import json
import math
import sys
import zlib
from pathlib import Path

import torch

OUTPUT = Path(__file__).resolve().parent.parent / "Tests" / "FlintOptimTests" / "Fixtures" / "torch_optim.json"
FORMAT_VERSION = 1
STEPS = 5
SCHEDULE_STEPS = 30
SHAPES = {"weight": [3, 4], "bias": [4]}


def generator(name):
    g = torch.Generator()
    g.manual_seed(zlib.crc32(name.encode()))
    return g


def flat(tensor):
    return [float(x) for x in tensor.detach().reshape(-1).tolist()]


class Lion(torch.optim.Optimizer):
    """Lion with decoupled weight decay, as lucidrains/lion-pytorch (state: exp_avg)."""

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p)
                exp_avg = state["exp_avg"]
                p.mul_(1 - group["lr"] * group["weight_decay"])
                update = exp_avg.clone().mul_(beta1).add(p.grad, alpha=1 - beta1).sign_()
                p.add_(update, alpha=-group["lr"])
                exp_avg.mul_(beta2).add_(p.grad, alpha=1 - beta2)


OPTIMIZERS = {
    "SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW, "RMSprop": torch.optim.RMSprop,
    "Adagrad": torch.optim.Adagrad, "Adadelta": torch.optim.Adadelta, "Lion": Lion,
}

# Parameter groups: ONE puts both parameters in one group; TWO gives each its own lr and weight decay.
def ONE(lr, weight_decay=0.0):
    return [{"params": ["weight", "bias"], "lr": lr, "weight_decay": weight_decay}]


def TWO(lr_weight, decay_weight, lr_bias, decay_bias):
    return [{"params": ["weight"], "lr": lr_weight, "weight_decay": decay_weight},
            {"params": ["bias"], "lr": lr_bias, "weight_decay": decay_bias}]


# name -> (optimizer class, options other than lr/weight_decay, groups)
OPTIMIZER_CASES = {
    "sgd_plain": ("SGD", {}, ONE(0.1)),
    "sgd_momentum_dampening": ("SGD", {"momentum": 0.9, "dampening": 0.3}, TWO(0.1, 0.01, 0.05, 0.0)),
    "sgd_nesterov": ("SGD", {"momentum": 0.8, "nesterov": True}, ONE(0.05, 0.001)),
    "adam_default": ("Adam", {}, ONE(1e-3)),
    "adam_options": ("Adam", {"betas": [0.8, 0.95], "eps": 1e-6}, TWO(0.01, 0.1, 0.003, 0.0)),
    "adam_amsgrad": ("Adam", {"amsgrad": True}, TWO(0.02, 0.05, 0.01, 0.0)),
    "adamw_default": ("AdamW", {}, ONE(1e-3, 0.01)),
    "adamw_amsgrad": ("AdamW", {"betas": [0.85, 0.99], "amsgrad": True}, TWO(0.01, 0.1, 0.02, 0.0)),
    "rmsprop_default": ("RMSprop", {}, ONE(0.01)),
    "rmsprop_centered_momentum": ("RMSprop", {"alpha": 0.9, "eps": 1e-6, "momentum": 0.7, "centered": True},
                                  TWO(0.01, 0.05, 0.003, 0.0)),
    "rmsprop_momentum": ("RMSprop", {"momentum": 0.5}, ONE(0.005, 0.01)),
    "adagrad_default": ("Adagrad", {}, ONE(0.01)),
    "adagrad_options": ("Adagrad", {"lr_decay": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-8},
                        TWO(0.1, 0.02, 0.05, 0.0)),
    "adadelta_default": ("Adadelta", {}, ONE(1.0)),
    "adadelta_options": ("Adadelta", {"rho": 0.8, "eps": 1e-5}, TWO(0.5, 0.1, 1.0, 0.0)),
    "lion_default": ("Lion", {}, ONE(1e-4)),
    "lion_options": ("Lion", {"betas": [0.95, 0.98]}, TWO(0.01, 0.5, 0.003, 0.0)),
}


def optimizer_case(name, class_name, options, groups, dtype):
    g = generator(name)
    initial = {key: torch.round(torch.randn(shape, generator=g, dtype=torch.float64), decimals=5).to(dtype)
               for key, shape in SHAPES.items()}
    gradients = [{key: torch.round(torch.randn(shape, generator=g, dtype=torch.float64), decimals=5).to(dtype)
                  for key, shape in SHAPES.items()} for _ in range(STEPS)]
    parameters = {key: torch.nn.Parameter(value.clone()) for key, value in initial.items()}
    names = {id(p): key for key, p in parameters.items()}
    torch_options = dict(options)
    if "betas" in torch_options:
        torch_options["betas"] = tuple(torch_options["betas"])
    optimizer = OPTIMIZERS[class_name](
        [{"params": [parameters[k] for k in group["params"]], "lr": group["lr"], "weight_decay": group["weight_decay"]}
         for group in groups], **torch_options)
    steps = []
    for gradient in gradients:
        for key, p in parameters.items():
            p.grad = gradient[key].clone()
        optimizer.step()
        state = {}
        for p, entries in optimizer.state.items():
            for state_name, value in entries.items():
                if value is None:
                    continue
                key = f"{names[id(p)]}.{state_name}"
                state[key] = float(value) if value.dim() == 0 else flat(value)
        steps.append({"parameters": {k: flat(p) for k, p in parameters.items()}, "state": state})
    return {
        "name": f"{name}_{str(dtype).split('.')[-1]}", "optimizer": class_name,
        "options": {k: [float(x) for x in (v if isinstance(v, list) else [v])] for k, v in options.items()},
        "dtype": str(dtype).split(".")[-1], "groups": groups, "shapes": SHAPES,
        "initial": {k: flat(v) for k, v in initial.items()},
        "gradients": [{k: flat(v) for k, v in step.items()} for step in gradients],
        "steps": steps,
    }


def cosine_with_warmup(warmup, total, cycles=0.5):
    """transformers' _get_cosine_schedule_with_warmup_lr_lambda."""
    def factor(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        progress = float(step - warmup) / float(max(1, total - warmup))
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(cycles) * 2.0 * progress)))
    return factor


S = torch.optim.lr_scheduler
PLATEAU_MIN = [1.0, 0.9, 0.8, 0.8, 0.79995, 0.81, 0.7, 0.7, 0.71, 0.72, 0.73, 0.6, 0.6, 0.6, 0.6, 0.6,
               0.5, 0.5, 0.49999, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4]
PLATEAU_MAX = [0.1, 0.2, 0.205, 0.21, 0.3, 0.3, 0.3, 0.35, 0.355, 0.36, 0.4, 0.4, 0.4, 0.4, 0.5, 0.5,
               0.5, 0.5, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]

# name -> (function making the torch scheduler from the optimizer, metrics for ReduceLROnPlateau or None)
SCHEDULE_CASES = {
    "step_lr": (lambda o: S.StepLR(o, step_size=7, gamma=0.5), None),
    "multi_step_lr": (lambda o: S.MultiStepLR(o, milestones=[3, 10, 10, 20], gamma=0.3), None),
    "exponential_lr": (lambda o: S.ExponentialLR(o, gamma=0.9), None),
    "linear_lr": (lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8), None),
    "cosine_annealing_lr": (lambda o: S.CosineAnnealingLR(o, T_max=30), None),
    "cosine_annealing_lr_restart": (lambda o: S.CosineAnnealingLR(o, T_max=12, eta_min=0.001), None),
    "cosine_with_warmup": (lambda o: S.LambdaLR(o, cosine_with_warmup(5, 30)), None),
    "cosine_with_warmup_cycles": (lambda o: S.LambdaLR(o, cosine_with_warmup(3, 25, 1.5)), None),
    "one_cycle_cos": (lambda o: S.OneCycleLR(o, max_lr=[0.5, 0.05], total_steps=30, cycle_momentum=False), None),
    "one_cycle_linear_three_phase": (lambda o: S.OneCycleLR(o, max_lr=0.2, total_steps=30, pct_start=0.25,
                                                            anneal_strategy="linear", div_factor=10.0,
                                                            final_div_factor=100.0, three_phase=True,
                                                            cycle_momentum=False), None),
    "reduce_on_plateau_min_rel": (lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=1, min_lr=0.004),
                                  PLATEAU_MIN),
    "reduce_on_plateau_max_abs": (lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=1, threshold=0.01,
                                                                threshold_mode="abs", min_lr=[0.01, 0.0005]),
                                  PLATEAU_MAX),
}


def schedule_case(name, make, metrics):
    parameters = [torch.nn.Parameter(torch.zeros(2, dtype=torch.float64)), torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))]
    optimizer = torch.optim.SGD([{"params": [parameters[0]], "lr": 0.1}, {"params": [parameters[1]], "lr": 0.01}], momentum=0.9)
    scheduler = make(optimizer)
    rates = [[group["lr"] for group in optimizer.param_groups]]
    for step in range(SCHEDULE_STEPS):
        optimizer.step()  # no gradients: changes nothing, keeps torch's call-order check quiet
        scheduler.step(metrics[step]) if metrics is not None else scheduler.step()
        rates.append([group["lr"] for group in optimizer.param_groups])
    return {"name": name, "base_rates": [0.1, 0.01], "metrics": metrics, "learning_rates": rates}


CLIPPING_SHAPES = [[3, 4], [4], [2, 2, 3]]
# name -> (kind, argument, norm type)
CLIPPING_CASES = {
    "norm_l2_clipped": ("norm", 1.0, 2.0),
    "norm_l2_unclipped": ("norm", 100.0, 2.0),
    "norm_inf_clipped": ("norm", 0.5, math.inf),
    "norm_l1_clipped": ("norm", 2.0, 1.0),
    "value": ("value", 0.3, None),
}


def clipping_case(name, kind, argument, norm_type, dtype):
    g = generator(name)
    gradients = [torch.round(torch.randn(shape, generator=g, dtype=torch.float64), decimals=5).to(dtype)
                 for shape in CLIPPING_SHAPES]
    parameters = [torch.nn.Parameter(torch.zeros(shape, dtype=dtype)) for shape in CLIPPING_SHAPES]
    for p, gradient in zip(parameters, gradients):
        p.grad = gradient.clone()
    total = None
    if kind == "norm":
        total = float(torch.nn.utils.clip_grad_norm_(parameters, max_norm=argument, norm_type=norm_type))
    else:
        torch.nn.utils.clip_grad_value_(parameters, clip_value=argument)
    return {"name": f"{name}_{str(dtype).split('.')[-1]}", "kind": kind, "argument": argument,
            "norm_type": "inf" if norm_type == math.inf else norm_type, "dtype": str(dtype).split(".")[-1],
            "shapes": CLIPPING_SHAPES, "gradients": [flat(x) for x in gradients], "total_norm": total,
            "clipped": [flat(p.grad) for p in parameters]}


def build():
    dtypes = [torch.float64, torch.float32]
    return {
        "format_version": FORMAT_VERSION,
        "torch_version": torch.__version__.split("+")[0],
        "optimizers": [optimizer_case(name, *spec, dtype) for name, spec in OPTIMIZER_CASES.items() for dtype in dtypes],
        "schedules": [schedule_case(name, *spec) for name, spec in SCHEDULE_CASES.items()],
        "clipping": [clipping_case(name, *spec, dtype) for name, spec in CLIPPING_CASES.items() for dtype in dtypes],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    parser.add_argument("--list", action="store_true", help="print the case names")
    arguments = parser.parse_args()
    if arguments.list:
        for name in list(OPTIMIZER_CASES) + list(SCHEDULE_CASES) + list(CLIPPING_CASES):
            print(name)
        return
    text = json.dumps(build(), separators=(",", ":")) + "\n"
    if arguments.check:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print(f"{OUTPUT} is stale; rerun scripts/make_optim_fixtures.py", file=sys.stderr)
            sys.exit(1)
        print("up to date")
        return
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT} ({len(text) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
