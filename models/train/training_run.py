"""What the base's and the upsampler's trainings share (train.py, train_upsampler.py): the run folder, the
seeded model/EMA/optimiser/RNG set, resuming from the run's checkpoint, the learning-rate schedule, the
update step, the log and the atomic checkpoint.

A checkpoint holds weights, EMA, optimiser, step, wall time and every RNG state, so a rerun with the same
--run continues the same run (also with other --minutes, --lr or --cooldown: this run's flags win).
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import time
from pathlib import Path

import numpy as np
import torch

from models.glide import ModelOptions, create_model
from models.train.timestep_sampler import SAMPLERS, TimestepSampler

# The cool-down's last learning rate, as a fraction of --lr: the loss falls while the rate does (a
# warmup-stable-decay schedule), and a floor above 0 keeps the last steps doing something.
COOLDOWN_FLOOR = 0.05

# Loss weight of pixels the model is given (they are re-imposed when sampling, so matter less).
KNOWN_REGION_WEIGHT = 0.1

# The text path: its gradients were ~1/300 of the U-Net's and 2,130 steps left the prompt unused, so it
# gets a larger learning rate (--text-lr-mult). Steps 2,150-4,475 also weighed the object's pixels more
# (--object-weight 4); that taught colour fast but biases the loss's minimiser towards the object's colour
# wherever the object might be (the weight depends on the answer), and the model filled whole holes with
# a blob of it. From step 4,475 it is 0, and shapes appeared (shape adherence 23% -> 33% in 475 steps).
TEXT_PARAM_PREFIXES = ("token_embedding", "positional_embedding", "padding_embedding", "transformer.",
                       "final_ln", "transformer_proj")


def add_run_arguments(p: argparse.ArgumentParser, *, minutes: float, batch: int, lr: float,
                      eps_weight_cap_help: str, t_sampler_help: str | None = None) -> None:
    """The flags every training has, with the defaults of the one calling."""
    p.add_argument("--run", type=Path, required=True, help="folder for checkpoint and log")
    p.add_argument("--minutes", type=float, default=minutes, help="stop after this wall time (this invocation)")
    p.add_argument("--max-steps", type=int, default=100000)
    p.add_argument("--batch", type=int, default=batch)
    p.add_argument("--lr", type=float, default=lr)
    p.add_argument("--ema", type=float, default=0.995)
    p.add_argument("--cooldown", type=int, nargs=2, metavar=("FROM", "TO"),
                   help="lower the learning rate linearly from step FROM to COOLDOWN_FLOOR of it at step TO (and after)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save-every", type=int, default=25)
    p.add_argument("--eps-weight-cap", type=float, default=300.0, help=eps_weight_cap_help)
    p.add_argument("--text-lr-mult", type=float, default=5.0, help="learning-rate multiple of the text path")
    p.add_argument("--t-sampler", choices=SAMPLERS, default="gradient-norm", help=t_sampler_help)
    p.add_argument("--t-below", type=int, help="draw only t below this (a stage sampled from lower noise only)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 2)


def save_checkpoint(path: Path, state: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def lr_factor(step: int, warmup_from: int, cooldown=None) -> float:
    """The learning rate's multiple at `step`: a 100-step warm-up from `warmup_from`, then 1, then, with
    cooldown = (FROM, TO), a linear fall to COOLDOWN_FLOOR at TO. A pure function of the step, so a
    resumed run continues the same schedule."""
    factor = min(1.0, (step - warmup_from + 1) / 100)
    if cooldown:
        start, end = cooldown
        done = min(1.0, max(0.0, (step - start) / max(1, end - start)))
        factor *= 1.0 - (1.0 - COOLDOWN_FLOOR) * done
    return factor


def make_optimizer(model: torch.nn.Module, lr: float, text_lr_mult: float) -> torch.optim.AdamW:
    """AdamW with two groups: the text path (at lr x text_lr_mult) and the rest, in model.parameters() order."""
    text, rest = [], []
    for name, param in model.named_parameters():
        (text if name.startswith(TEXT_PARAM_PREFIXES) else rest).append(param)
    return torch.optim.AdamW([{"params": rest, "base_lr": lr}, {"params": text, "base_lr": lr * text_lr_mult}],
                             lr=lr, weight_decay=0.0)


class TrainingRun:
    """One run folder's model, EMA, optimiser and RNGs, made from the seed in a fixed order (so a fresh run is
    reproducible) and resumed from the folder's checkpoint where there is one."""

    def __init__(self, args: argparse.Namespace, options: ModelOptions, device: torch.device | str = "cpu"):
        self.args = args
        torch.set_num_threads(args.threads)
        # Tiny gradients and Adam moments become denormal floats, which slowed steps 10x on this CPU.
        torch.set_flush_denormal(True)
        args.run.mkdir(parents=True, exist_ok=True)
        self.ckpt_path = args.run / "checkpoint.pt"
        self.options = options
        self.device = torch.device(device)
        torch.manual_seed(args.seed)
        self.model = create_model(options).to(self.device)
        self.ema = copy.deepcopy(self.model).eval()
        self.opt = make_optimizer(self.model, args.lr, args.text_lr_mult)
        self.rng = np.random.default_rng(args.seed)
        self.t_sampler = TimestepSampler(args.t_sampler, options.diffusion_steps, below=args.t_below)
        self.step, self.elapsed_before, self.warmup_from = 0, 0.0, 0
        self.start = time.time()
        self._recent: list[tuple[float, float]] = []
        self._log = None

    def resume(self, other_options_hint: str) -> bool:
        """Loads the run's checkpoint if it has one (our own file, written by save()); False when it has none."""
        if not self.ckpt_path.exists():
            return False
        state = torch.load(self.ckpt_path, map_location=self.device)
        if state["options"] != self.options.to_dict():
            raise SystemExit(f"{self.ckpt_path} holds a model of other options; {other_options_hint}")
        self.model.load_state_dict(state["model"])
        self.ema.load_state_dict(state["ema"])
        base_lrs = [g["base_lr"] for g in self.opt.param_groups]  # this run's flags, as make_optimizer set them
        self.opt.load_state_dict(state["opt"])  # restores the old run's rates too; this run's flags win
        for g, base in zip(self.opt.param_groups, base_lrs):
            g["base_lr"] = base
        self.rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        if "t_sampler" in state:
            self.t_sampler.load_state_dict(state["t_sampler"])
        self.step, self.elapsed_before = state["step"], state["elapsed"]
        self.warmup_from = state.get("warmup_from", 0)
        print(f"resumed at step {self.step} ({self.elapsed_before / 60:.1f} min trained)", flush=True)
        return True

    def minutes_trained(self) -> float:
        return (self.elapsed_before + time.time() - self.start) / 60

    def running(self) -> bool:
        """Steps left and wall time left in this invocation."""
        return self.step < self.args.max_steps and time.time() - self.start < self.args.minutes * 60

    def update(self, loss: torch.Tensor) -> None:
        """One optimiser step on `loss` at the schedule's rate, gradients clipped to norm 1, then the EMA."""
        for g in self.opt.param_groups:
            g["lr"] = g["base_lr"] * lr_factor(self.step, self.warmup_from, self.args.cooldown)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.opt.step()
        with torch.no_grad():
            for pe, pm in zip(self.ema.parameters(), self.model.parameters()):
                pe.mul_(self.args.ema).add_(pm.detach(), alpha=1 - self.args.ema)
        self.step += 1

    def record(self, mse: float, vb: float, **extra) -> None:
        """Keeps the step's losses; every 10 steps logs their means (log.jsonl and stdout) with `extra`, and
        every --save-every steps writes the checkpoint."""
        self._recent.append((mse, vb))
        if self.step % 10 == 0:
            m, v = np.mean(self._recent, axis=0)
            self._recent.clear()
            entry = {"step": self.step, "mse": round(float(m), 5), "vb": round(float(v), 5), **extra,
                     "lr": self.args.lr, **({"cooldown": self.args.cooldown} if self.args.cooldown else {}),
                     **({"t_below": self.args.t_below} if self.args.t_below else {}),
                     "minutes": round(self.minutes_trained(), 2)}
            if self._log is None:
                self._log = open(self.args.run / "log.jsonl", "a")
            self._log.write(json.dumps(entry) + "\n")
            self._log.flush()
            print(entry, flush=True)
        if self.step % self.args.save_every == 0:
            self.save()

    def save(self) -> None:
        save_checkpoint(self.ckpt_path, {
            "model": self.model.state_dict(), "ema": self.ema.state_dict(), "opt": self.opt.state_dict(),
            "rng": self.rng.bit_generator.state, "torch_rng": torch.get_rng_state(), "step": self.step,
            "elapsed": self.elapsed_before + time.time() - self.start, "options": self.options.to_dict(),
            "warmup_from": self.warmup_from, "t_sampler": self.t_sampler.state_dict(),
            "args": {k: str(v) for k, v in vars(self.args).items()}})

    def finish(self) -> None:
        self.save()
        print(f"stopped at step {self.step}", flush=True)
