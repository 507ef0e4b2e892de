"""Trains the default model's upsampler (GLIDE's upsample-inpaint stage, small) on upsampler_data.py, on CPU.

    /usr/bin/python3 -m models.train.train_upsampler --run .work/upsampler-run --minutes 120 --threads 1

Seeded and resumable like train.py: a checkpoint every --save-every steps; a rerun with the same --run
continues from it (also with other --minutes, --lr or --cooldown). The same command runs on CUDA where
torch has it (--device cuda).
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
from models.train import upsampler_data
from models.train.caption_tokens import tokenize_captions
from models.train.dataset import all_captions
from models.train.diffusion_loss import DiffusionLoss
from models.train.timestep_sampler import SAMPLERS, TimestepSampler
from models.train.train import KNOWN_REGION_WEIGHT, lr_factor, make_optimizer, save_checkpoint

# Fully convolutional (attention only in the middle block, at 1/32 of the output's side), so one graph runs
# at 256, 512 or 1024 px. 8 channels at full resolution: the cost per output pixel is what bounds a 12 MP
# edit (16 channels were 3.4x slower a training step and 3x a sampling step at 512 px); depth (6 levels,
# 8 -> 128 channels) gives the receptive field that textures a whole hole from the low-res image. GLIDE's
# upsampler uses the linear schedule; the output predicts v like the base (see model.py).
UPSAMPLER_MODEL = dict(
    image_size=upsampler_data.PATCH, num_channels=8, num_res_blocks=1,
    channel_mult="1,2,4,4,8,16", attention_resolutions="", num_heads=1, num_head_channels=32, dropout=0.0,
    text_ctx=32, xf_width=64, xf_layers=1, xf_heads=4, xf_final_ln=True, xf_padding=True,
    noise_schedule="linear", use_scale_shift_norm=True, resblock_updown=True, inpaint=True, super_res=True,
    prediction="v")
# The output side must be a multiple of this (5 halvings).
SIZE_MULTIPLE = 32


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", type=Path, required=True, help="folder for checkpoint and log")
    p.add_argument("--minutes", type=float, default=120.0, help="stop after this wall time (this invocation)")
    p.add_argument("--max-steps", type=int, default=100000)
    p.add_argument("--batch", type=int, default=12)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--ema", type=float, default=0.995)
    p.add_argument("--cooldown", type=int, nargs=2, metavar=("FROM", "TO"),
                   help="lower the learning rate linearly from step FROM to 5%% of it at step TO")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save-every", type=int, default=25)
    p.add_argument("--eps-weight-cap", type=float, default=300.0, help="as in train.py")
    p.add_argument("--text-lr-mult", type=float, default=5.0)
    p.add_argument("--t-sampler", choices=SAMPLERS, default="gradient-norm")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    p.add_argument("--device", default="cpu")
    return p.parse_args()


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    device = torch.device(args.device)
    args.run.mkdir(parents=True, exist_ok=True)
    ckpt_path = args.run / "checkpoint.pt"

    options = ModelOptions.from_dict(UPSAMPLER_MODEL)
    torch.manual_seed(args.seed)
    model = create_model(options).to(device)
    ema = copy.deepcopy(model).eval()
    opt = make_optimizer(model, args.lr, args.text_lr_mult)
    rng = np.random.default_rng(args.seed)
    t_sampler = TimestepSampler(args.t_sampler, options.diffusion_steps)
    step, elapsed_before = 0, 0.0
    if ckpt_path.exists():
        state = torch.load(ckpt_path, map_location=device)  # our own file, written below
        if state["options"] != options.to_dict():
            raise SystemExit(f"{ckpt_path} holds a model of other options than UPSAMPLER_MODEL")
        model.load_state_dict(state["model"])
        ema.load_state_dict(state["ema"])
        base_lrs = [g["base_lr"] for g in opt.param_groups]
        opt.load_state_dict(state["opt"])
        for g, base in zip(opt.param_groups, base_lrs):
            g["base_lr"] = base
        rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        t_sampler.load_state_dict(state["t_sampler"])
        step, elapsed_before = state["step"], state["elapsed"]
        print(f"resumed at step {step} ({elapsed_before / 60:.1f} min trained)", flush=True)
    print(f"{sum(p.numel() for p in model.parameters()):,} parameters", flush=True)

    tokens = tokenize_captions(all_captions(), options.text_ctx)
    loss_fn = DiffusionLoss(options.noise_schedule, options.diffusion_steps)
    for name in ("sqrt_ac", "sqrt_1m_ac", "recip_ac", "sqrt_recip_ac", "sqrt_recipm1_ac", "coef1", "coef2",
                 "log_var_clipped", "log_betas"):
        setattr(loss_fn, name, getattr(loss_fn, name).to(device))
    log = open(args.run / "log.jsonl", "a")
    start = time.time()

    def checkpoint() -> dict:
        return {"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                "rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(), "step": step,
                "elapsed": elapsed_before + time.time() - start, "options": options.to_dict(),
                "t_sampler": t_sampler.state_dict(), "args": {k: str(v) for k, v in vars(args).items()}}

    recent = []
    model.train()
    while step < args.max_steps and time.time() - start < args.minutes * 60:
        batch = upsampler_data.sample_batch(rng, args.batch)
        x0 = torch.from_numpy(batch["image"]).to(device)
        low = torch.from_numpy(batch["low_res"]).to(device)
        keep = torch.from_numpy(batch["mask"]).to(device)
        tok = torch.from_numpy(np.stack([tokens[c][0] for c in batch["caption"]])).to(device)
        tok_mask = torch.from_numpy(np.stack([tokens[c][1] for c in batch["caption"]])).to(device)
        t, t_weight = t_sampler.sample(args.batch)
        t, t_weight = t.to(device), t_weight.to(device)
        noise = torch.randn_like(x0)
        x_t = loss_fn.q_sample(x0, t, noise)
        out = model(x_t, t, tok, tok_mask, x0 * keep, keep, low)
        weight = (1 - keep) + KNOWN_REGION_WEIGHT * keep
        terms = loss_fn.losses(out, x0, x_t, t, noise, weight, args.eps_weight_cap)
        loss = (terms["loss"] * t_weight).mean()
        t_sampler.record(t.cpu(), (terms["mse_weight"] * terms["mse"].detach().sqrt()).cpu())
        for g in opt.param_groups:
            g["lr"] = g["base_lr"] * lr_factor(step, 0, args.cooldown)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(args.ema).add_(pm.detach(), alpha=1 - args.ema)
        step += 1
        recent.append(((terms["mse"] * t_weight).mean().item(), (terms["vb"] * t_weight).mean().item()))
        if step % 10 == 0:
            mse, vb = np.mean(recent, axis=0)
            recent.clear()
            entry = {"step": step, "mse": round(float(mse), 5), "vb": round(float(vb), 5), "lr": args.lr,
                     **({"cooldown": args.cooldown} if args.cooldown else {}),
                     "minutes": round((elapsed_before + time.time() - start) / 60, 2)}
            log.write(json.dumps(entry) + "\n")
            log.flush()
            print(entry, flush=True)
        if step % args.save_every == 0:
            save_checkpoint(ckpt_path, checkpoint())
    save_checkpoint(ckpt_path, checkpoint())
    print(f"stopped at step {step}", flush=True)


if __name__ == "__main__":
    main()
