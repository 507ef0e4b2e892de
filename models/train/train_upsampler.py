"""Trains the default model's upsampler (GLIDE's upsample-inpaint stage, small) on upsampler_data.py, on CPU.

    /usr/bin/python3 -m models.train.train_upsampler --run .work/upsampler-run --minutes 120 --threads 1

Seeded and resumable like train.py (training_run.py): a checkpoint every --save-every steps; a rerun with the same --run
continues from it (also with other --minutes, --lr or --cooldown). The same command runs on CUDA where
torch has it (--device cuda).
"""
from __future__ import annotations

import argparse

import numpy as np
import torch

from models.glide import ModelOptions
from models.train import upsampler_data
from models.train.caption_tokens import tokenize_captions
from models.train.dataset import all_captions
from models.train.diffusion_loss import DiffusionLoss
from models.train.training_run import KNOWN_REGION_WEIGHT, TrainingRun, add_run_arguments

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
    add_run_arguments(p, minutes=120.0, batch=12, lr=5e-4, eps_weight_cap_help="as in train.py")
    p.add_argument("--device", default="cpu")
    return p.parse_args()


def main() -> None:
    args = parse_args()
    options = ModelOptions.from_dict(UPSAMPLER_MODEL)
    run = TrainingRun(args, options, args.device)
    run.resume("it is not UPSAMPLER_MODEL's")
    device, model, rng, t_sampler = run.device, run.model, run.rng, run.t_sampler
    print(f"{sum(p.numel() for p in model.parameters()):,} parameters", flush=True)

    tokens = tokenize_captions(all_captions(), options.text_ctx)
    loss_fn = DiffusionLoss(options.noise_schedule, options.diffusion_steps)
    for name in ("sqrt_ac", "sqrt_1m_ac", "recip_ac", "sqrt_recip_ac", "sqrt_recipm1_ac", "coef1", "coef2",
                 "log_var_clipped", "log_betas"):
        setattr(loss_fn, name, getattr(loss_fn, name).to(device))
    model.train()
    while run.running():
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
        run.update(loss)
        run.record((terms["mse"] * t_weight).mean().item(), (terms["vb"] * t_weight).mean().item())
    run.finish()


if __name__ == "__main__":
    main()
