"""`import keras_fasrgan` registers every serialisable class, as `import keras_hub` does."""

import json
import subprocess
import sys

from conftest import ROOT

from keras_fasrgan.trainers import FsSRGAN
from keras_fasrgan.models import RRDBNet
from keras_fasrgan.models import VGGDiscriminator

from trainers._trainer_testkit import tiny_extractor
from trainers._trainer_testkit import tiny_generator

_SCRIPT = r"""
import importlib, json, pkgutil, sys
import keras, keras_fasrgan

def registered():
    return sorted(k for k in keras.saving.get_custom_objects() if k.startswith("keras_fasrgan>"))

after_import = registered()
loaded = [type(keras.saving.load_model(p, compile=False)).__name__ for p in sys.argv[1:]]
for module in pkgutil.walk_packages(keras_fasrgan.__path__, "keras_fasrgan."):
    if not module.name.endswith(".__main__"):
        importlib.import_module(module.name)
print(json.dumps({"after_import": after_import, "every_module": registered(), "loaded": loaded}))
"""


def test_import_registers_every_serialisable_class(tmp_path):
    generator = RRDBNet(scale=2, num_blocks=1, filters=8, growth_channels=4)
    generator.save(tmp_path / "g.keras")
    trainer = FsSRGAN(tiny_extractor(), tiny_generator(8),
                      VGGDiscriminator(in_channels=8, input_size=32), perceptual_loss=None)
    trainer.save(tmp_path / "gan.keras")
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "g.keras"), str(tmp_path / "gan.keras")],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["loaded"] == ["RRDBNet", "FsSRGAN"]
    # Nothing is registered only by a module that `import keras_fasrgan` leaves out.
    assert result["after_import"] == result["every_module"]
    for name in ("RRDBNet", "PixelUnshuffle", "FASRGAN", "MultiStepDecay", "PerceptualLoss",
                 "PSNRMetric", "OptimizerGroup"):
        assert f"keras_fasrgan>{name}" in result["after_import"]
