"""Grows a trained model by attention blocks at more feature-map sizes, without changing what it computes.

An AttentionBlock is residual (x + proj_out(...)) and a fresh one has proj_out at zero, so a model with
extra, fresh attention blocks gives the same outputs as the model it grew from; training then starts to use
them. The default model went from attention at 8 px to 16 and 8 px this way, keeping its 10,925 steps.

Parameter names follow OpenAI's layout (`output_blocks.K.J.*`): a new attention block takes index J in its
block and pushes an upsampler after it from J to J + 1, so weights are matched module by module in order,
not by name.
"""
from __future__ import annotations

from typing import Dict

from .model import GlideInpaint, create_model
from .options import ModelOptions
from .unet import AttentionBlock


def carried_names(old: GlideInpaint, new: GlideInpaint) -> Dict[str, str]:
    """{old parameter or buffer name: new name}; raises ValueError where the two differ by more than attention."""
    renames: Dict[str, str] = {}
    for blocks in ("input_blocks", "output_blocks"):
        old_list, new_list = getattr(old, blocks), getattr(new, blocks)
        if len(old_list) != len(new_list):
            raise ValueError(f"{blocks}: {len(old_list)} blocks, the grown model has {len(new_list)}")
        for k, (a, b) in enumerate(zip(old_list, new_list)):
            j = 0
            for i, layer in enumerate(a):
                while isinstance(b[j], AttentionBlock) and not isinstance(layer, AttentionBlock):
                    j += 1  # a new attention block: stays fresh
                if type(b[j]) is not type(layer):
                    raise ValueError(f"{blocks}.{k}: {type(layer).__name__} has no counterpart")
                renames[f"{blocks}.{k}.{i}."] = f"{blocks}.{k}.{j}."
                j += 1
            if any(not isinstance(rest, AttentionBlock) for rest in list(b)[j:]):
                raise ValueError(f"{blocks}.{k}: the grown model has other new layers than attention")
    out = {}
    for name in old.state_dict():
        prefix = next((p for p in renames if name.startswith(p)), None)
        out[name] = renames[prefix] + name[len(prefix):] if prefix else name
    return out


def add_attention(model: GlideInpaint, attention_resolutions: str) -> GlideInpaint:
    """A new model with attention at `attention_resolutions` (e.g. "16,8"), which must include the model's
    own; every trained weight is carried over and the new blocks start as the identity."""
    options = ModelOptions.from_dict({**model.options.to_dict(), "attention_resolutions": attention_resolutions})
    have, want = set(model.options.attention_downsample_rates()), set(options.attention_downsample_rates())
    if not have <= want:
        raise ValueError(f"attention at {attention_resolutions} drops some of {model.options.attention_resolutions}")
    grown = create_model(options)
    grown.train(model.training)
    old_state, state = model.state_dict(), grown.state_dict()
    for old_name, new_name in carried_names(model, grown).items():
        if state[new_name].shape != old_state[old_name].shape:
            raise ValueError(f"{old_name} -> {new_name}: shapes {tuple(old_state[old_name].shape)} and "
                             f"{tuple(state[new_name].shape)}")
        state[new_name] = old_state[old_name].clone()
    grown.load_state_dict(state)  # the new blocks keep create_model's zero proj_out: they add nothing yet
    return grown
