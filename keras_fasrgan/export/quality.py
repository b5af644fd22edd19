"""What a TFLite conversion (float32, float16 or int8 dynamic-range) costs in image quality."""

import numpy as np

from keras_fasrgan.export.tflite import QUANTIZE_MODES

MODES = ("float32", "float16", "dynamic")


def tflite_quality(model, pairs, modes=MODES, tile=128, tile_pad=16):
    """PSNR / SSIM of a generator's TFLite conversions on `{name: (lr, hr)}` uint8 pairs.

    The evaluation protocol is the package's own (`keras_fasrgan.demo.evaluate_generators`,
    `fasrgan evaluate`): `upscale` with tiles, uint8 output, PSNR and SSIM on the Y channel
    with `scale` border pixels cropped. Each mode is converted with `tflite_bytes(model,
    quantize=...)` and run through `upscale` as a `TFLiteModel`, so the whole path a user of a
    `.tflite` file takes is measured. The float32 row therefore equals the Keras model's
    evaluation (to rounding of the output to uint8).

    Args:
        model: a Keras generator.
        pairs: `{name: (lr, hr)}` uint8 images, e.g. `keras_fasrgan.data.sample_pairs(...)`.
        modes: among `"float32"`, `"float16"`, `"dynamic"`.
        tile, tile_pad: tiling of `upscale`.

    Returns:
        `{"images": {name: {mode: {"psnr", "ssim", "psnr_vs_float32"}}},
        "mean": {mode: {"psnr", "ssim"}}, "size_mb": {mode: MB}}`; `psnr_vs_float32` (the
        output against the float32 conversion's, Y, cropped) is given for other modes when
        float32 is among `modes`.

    Examples:
        >>> report = tflite_quality(load_generator("demo_x4"), sample_pairs(SAMPLE_HELDOUT))  # doctest: +SKIP
        >>> sorted(report["mean"])  # doctest: +SKIP
        ['dynamic', 'float16', 'float32']
    """
    from keras_fasrgan.export.tflite import tflite_bytes
    from keras_fasrgan.inference import TFLiteModel
    from keras_fasrgan.inference import model_scale
    from keras_fasrgan.inference import upscale
    from keras_fasrgan.metrics import psnr
    from keras_fasrgan.metrics import ssim

    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise ValueError(f"modes must be among {MODES}, got {unknown}")
    scale = model_scale(model)
    images, sizes = {name: {} for name in pairs}, {}
    for mode in modes:
        content = tflite_bytes(model, quantize=QUANTIZE_MODES[MODES.index(mode)])
        sizes[mode] = len(content) / 1e6
        converted = TFLiteModel(content, name=f"{mode}.tflite")
        for name, (lr, hr) in pairs.items():
            sr = upscale(converted, lr, tile=tile, tile_pad=tile_pad, engine="tflite")
            images[name][mode] = {"psnr": psnr(sr, hr, crop_border=scale),
                                  "ssim": ssim(sr, hr, crop_border=scale), "sr": sr}
    for name, rows in images.items():
        for mode, row in rows.items():
            if "float32" in rows and mode != "float32":
                row["psnr_vs_float32"] = psnr(row["sr"], rows["float32"]["sr"],
                                              crop_border=scale)
        for row in rows.values():
            del row["sr"]
    mean = {mode: {metric: float(np.mean([images[n][mode][metric] for n in images]))
                   for metric in ("psnr", "ssim")} for mode in modes}
    return {"images": images, "mean": mean, "size_mb": sizes}
