"""`fasrgan recognition`: the paper's Table II, object recognition on SR images.

Classifies super-resolved images, their bicubic counterparts (HR -> MATLAB bicubic down by the
scale -> bicubic up) and the HR originals with `keras.applications.ResNet50` (its
`preprocess_input`, a 224x224 centre crop) and reports the top-1 and top-5 error of each.

The labels file has one `filename class_index` pair per line (ImageNet class indices 0-999;
`#` starts a comment). SR files are paired with HR files by name stem as in `evaluate`.
"""

import os
import sys

RESNET_FILE = "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
RESNET_URL = ("https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
              + RESNET_FILE)
CROP = 224


def add_parser(subparsers):
    p = subparsers.add_parser(
        "recognition",
        help="top-1/top-5 ResNet-50 error on SR, bicubic and HR images (Table II)",
    )
    p.add_argument("--sr-dir", required=True, help="folder of super-resolved images")
    p.add_argument("--hr-dir", required=True, help="folder of HR images")
    p.add_argument("--labels", required=True, help="file of `filename class_index` lines")
    p.add_argument("--scale", type=int, default=4, help="scale factor for bicubic (default 4)")
    p.add_argument("--weights", default="imagenet",
                   help="'imagenet' (Keras' ImageNet weights, downloaded once), a weights file, "
                   "or 'random'")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)


def read_labels(path):
    """`[(filename, class_index), ...]` from a labels file; ValueError names the line."""
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.rsplit(None, 1)
            if len(parts) != 2:
                raise ValueError(f"{path}:{number}: expected `filename class_index`, got {line!r}")
            try:
                label = int(parts[1])
            except ValueError:
                raise ValueError(f"{path}:{number}: class index {parts[1]!r} is not an integer") from None
            if label < 0:
                raise ValueError(f"{path}:{number}: class index must be >= 0, got {label}")
            entries.append((parts[0].strip(), label))
    if not entries:
        raise ValueError(f"{path}: no labels")
    return entries


def center_crop(image, size=CROP):
    """Centre `size` x `size` crop; a smaller image is first enlarged (MATLAB bicubic) so that
    its shorter side is `size`."""
    import numpy as np

    from keras_fasrgan.data.imresize import imresize

    h, w = image.shape[:2]
    if min(h, w) < size:
        s = size / min(h, w)
        out = (max(size, round(h * s)), max(size, round(w * s)))
        image = imresize(image, output_shape=out)
        h, w = image.shape[:2]
    top, left = (h - size) // 2, (w - size) // 2
    return np.ascontiguousarray(image[top:top + size, left:left + size])


def recognition_errors(model, images, labels, batch_size=8, preprocess=True):
    """Top-1 and top-5 error of a classifier.

    Args:
        model: a Keras model (or any callable) mapping a `(B, 224, 224, 3)` batch to
            `(B, num_classes)` scores.
        images: list of `(H, W, 3)` uint8 RGB images (centre-cropped to 224 here).
        labels: list of class indices, one per image.
        batch_size: images per forward pass.
        preprocess: apply `keras.applications.resnet50.preprocess_input` (True for ResNet50).

    Returns:
        `{"top1": error, "top5": error, "count": n, "predictions": [top-1 class, ...]}`;
        errors are fractions in [0, 1].

    Examples:
        >>> model = keras.applications.ResNet50(weights="imagenet")  # doctest: +SKIP
        >>> recognition_errors(model, [image], [207])  # doctest: +SKIP
        {'top1': 0.0, 'top5': 0.0, 'count': 1, 'predictions': [207]}
    """
    import keras
    import numpy as np

    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    if not images:
        raise ValueError("no images")
    top1 = top5 = 0
    predictions = []
    for start in range(0, len(images), batch_size):
        batch = np.stack([center_crop(im) for im in images[start:start + batch_size]])
        batch = batch.astype("float32")
        if preprocess:
            batch = keras.applications.resnet50.preprocess_input(batch)
        if hasattr(model, "predict_on_batch"):
            scores = model.predict_on_batch(batch)
        else:
            scores = model(batch)
        scores = np.asarray(keras.ops.convert_to_numpy(scores))
        order = np.argsort(-scores, axis=-1, kind="stable")
        for row, label in zip(order, labels[start:start + batch_size]):
            if label >= scores.shape[-1]:
                raise ValueError(f"class index {label} >= number of classes {scores.shape[-1]}")
            predictions.append(int(row[0]))
            top1 += int(row[0] == label)
            top5 += int(label in row[:5])
    n = len(images)
    return {"top1": 1.0 - top1 / n, "top5": 1.0 - top5 / n, "count": n, "predictions": predictions}


def _check_weights(weights):
    from keras_fasrgan.cli import CLIError

    if weights not in ("imagenet", "random") and not os.path.isfile(weights):
        raise CLIError(f"--weights {weights}: no such file (use imagenet, random or a path)")


def load_resnet50(weights):
    """ResNet50 with `weights` = 'imagenet', 'random' or a weights file path."""
    import keras

    from keras_fasrgan.cli import CLIError

    if weights == "random":
        return keras.applications.ResNet50(weights=None)
    if weights == "imagenet":
        try:
            return keras.applications.ResNet50(weights="imagenet")
        except Exception as e:  # noqa: BLE001 - download errors come in many types
            cache = os.path.join(os.path.expanduser("~"), ".keras", "models")
            raise CLIError(
                f"could not get Keras' ImageNet ResNet50 weights ({type(e).__name__}: "
                f"{str(e).splitlines()[0] if str(e) else ''}). Offline? Download {RESNET_URL} "
                f"and put {RESNET_FILE} into {cache}/, or pass --weights PATH"
            ) from None
    _check_weights(weights)
    try:
        return keras.applications.ResNet50(weights=weights)
    except Exception as e:  # noqa: BLE001
        raise CLIError(f"--weights {weights}: cannot load ({type(e).__name__}: {e})") from None


def run(args):
    import json

    from keras_fasrgan.cli import CLIError
    from keras_fasrgan.cli.evaluate import _check_scale_and_folders
    from keras_fasrgan.cli.evaluate import align
    from keras_fasrgan.cli.evaluate import list_images
    from keras_fasrgan.cli.evaluate import pair_files
    from keras_fasrgan.data.imresize import imresize
    from keras_fasrgan.utils import ImageReadError
    from keras_fasrgan.utils import read_image

    _check_scale_and_folders(args.scale, ((args.sr_dir, "--sr-dir"), (args.hr_dir, "--hr-dir")))
    if not os.path.isfile(args.labels):
        raise CLIError(f"--labels {args.labels}: no such file")
    _check_weights(args.weights)
    try:
        entries = read_labels(args.labels)
    except (ValueError, UnicodeDecodeError) as e:
        raise CLIError(str(e)) from None

    pairs, _, _ = pair_files(list_images(args.sr_dir), list_images(args.hr_dir))
    by_hr_name = {os.path.basename(hr): (sr, hr) for _, sr, hr in pairs}
    by_stem = {name: (sr, hr) for name, sr, hr in pairs}
    images = {"SR": [], "Bicubic": [], "HR": []}
    labels = []
    errors = []
    for filename, label in entries:
        key = os.path.basename(filename)
        pair = by_hr_name.get(key) or by_stem.get(os.path.splitext(key)[0])
        if pair is None:
            errors.append(f"{filename}: no HR image with an SR partner of that name "
                          f"in {args.hr_dir} / {args.sr_dir}")
            continue
        sr_path, hr_path = pair
        try:
            sr = read_image(sr_path)
            hr = read_image(hr_path)
            if sr.dtype != hr.dtype or sr.dtype.name != "uint8":
                from keras_fasrgan.utils import from_float
                from keras_fasrgan.utils import to_float

                sr, hr = from_float(to_float(sr), "uint8"), from_float(to_float(hr), "uint8")
            sr, hr = align(sr, hr, args.scale, sr_path)
            h, w = hr.shape[:2]
            hr_mod = hr[: h - h % args.scale, : w - w % args.scale]
            if min(hr_mod.shape[:2]) < args.scale:
                raise ValueError(f"{hr_path}: too small for scale {args.scale}")
            bicubic = imresize(imresize(hr_mod, 1.0 / args.scale), float(args.scale))
        except (ImageReadError, ValueError) as e:
            errors.append(str(e))
            continue
        images["SR"].append(sr)
        images["Bicubic"].append(bicubic)
        images["HR"].append(hr)
        labels.append(label)
    for message in errors:
        print(f"fasrgan recognition: {message}", file=sys.stderr)
    if not labels:
        raise CLIError("no labelled image could be read")

    from keras_fasrgan.cli import import_keras

    import_keras()
    model = load_resnet50(args.weights)
    results = {}
    for kind, ims in images.items():
        try:
            r = recognition_errors(model, ims, labels)
        except ValueError as e:
            raise CLIError(str(e)) from None
        results[kind] = {"top1_error": r["top1"], "top5_error": r["top5"]}
    report = {"count": len(labels), "scale": args.scale, "weights": args.weights, **results}
    if errors:
        report["failed"] = errors
    if args.json:
        print(json.dumps(report))
    else:
        print(f"ResNet-50 ({args.weights} weights), {len(labels)} images, 224x224 centre crop")
        print(f"{'images':<10} {'top-1 error':>12} {'top-5 error':>12}")
        for kind, r in results.items():
            print(f"{kind:<10} {r['top1_error']:>12.4f} {r['top5_error']:>12.4f}")
    return 1 if errors else 0
