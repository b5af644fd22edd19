import sys

from keras_fasrgan_cli import main

sys.exit(main())
