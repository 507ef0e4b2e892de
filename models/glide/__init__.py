"""Our GLIDE: text-conditional inpainting diffusion models, state-dict compatible with OpenAI's checkpoints."""
from .options import ModelOptions
from .model import GlideInpaint, create_model

__all__ = ["ModelOptions", "GlideInpaint", "create_model"]
