import sys

from keras_fasrgan.cli import main

sys.exit(main())
