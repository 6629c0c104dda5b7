"""SDK transformation option names and the URL codes they stand for (4.x ``SUPPORTED_TRANS``).

Keys not listed here pass through unchanged; ``raw`` marks a value inserted verbatim.
"""

SUPPORTED_TRANS: dict[str, str] = {
    "height": "h",
    "width": "w",
    "aspect_ratio": "ar",
    "quality": "q",
    "crop": "c",
    "crop_mode": "cm",
    "x": "x",
    "y": "y",
    "focus": "fo",
    "format": "f",
    "radius": "r",
    "background": "bg",
    "border": "b",
    "rotation": "rt",
    "blur": "bl",
    "named": "n",
    "progressive": "pr",
    "lossless": "lo",
    "trim": "t",
    "metadata": "md",
    "color_profile": "cp",
    "default_image": "di",
    "dpr": "dpr",
    "effect_sharpen": "e-sharpen",
    "effect_usm": "e-usm",
    "effect_contrast": "e-contrast",
    "effect_gray": "e-grayscale",
    "effect_shadow": "e-shadow",
    "effect_gradient": "e-gradient",
    "original": "orig",
    "raw": "raw",
}
