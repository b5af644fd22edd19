"""Data: MATLAB-exact bicubic, aligned augmentation, DIV2K, photo-folder and benchmark-folder
pipelines, built-in sample photographs.

Importing this package does not import TensorFlow; the `tf.data` builders import it on call.
"""

from keras_fasrgan.data.augment import center_crop_pair_tf
from keras_fasrgan.data.augment import random_augment
from keras_fasrgan.data.augment import random_augment_tf
from keras_fasrgan.data.augment import random_crop_pair
from keras_fasrgan.data.augment import random_crop_pair_tf
from keras_fasrgan.data.div2k import check_pairs
from keras_fasrgan.data.div2k import div2k
from keras_fasrgan.data.div2k import div2k_pairs
from keras_fasrgan.data.div2k import div2k_tfds
from keras_fasrgan.data.div2k import make_lr_cache
from keras_fasrgan.data.files import DatasetError
from keras_fasrgan.data.imresize import bicubic_lr
from keras_fasrgan.data.imresize import imresize
from keras_fasrgan.data.imresize import imresize_tf
from keras_fasrgan.data.imresize import modcrop
from keras_fasrgan.data.paired_folder import PairedFolder
from keras_fasrgan.data.paired_folder import paired_folder
from keras_fasrgan.data.photo_folder import hr_folder_dataset
from keras_fasrgan.data.photo_folder import photo_dataset
from keras_fasrgan.data.photo_folder import photo_pairs
from keras_fasrgan.data.pipeline import pair_dataset
from keras_fasrgan.data.samples import SAMPLE_HELDOUT
from keras_fasrgan.data.samples import SAMPLE_KINDS
from keras_fasrgan.data.samples import SAMPLE_NAMES
from keras_fasrgan.data.samples import SAMPLE_TRAIN
from keras_fasrgan.data.samples import sample_dataset
from keras_fasrgan.data.samples import sample_images
from keras_fasrgan.data.samples import sample_pairs
from keras_fasrgan.data.samples import write_sample_folder
from keras_fasrgan.data.subimages import extract_subimages
from keras_fasrgan.data.subimages import subimage_pairs

__all__ = [
    "DatasetError",
    "PairedFolder",
    "SAMPLE_HELDOUT",
    "SAMPLE_KINDS",
    "SAMPLE_NAMES",
    "SAMPLE_TRAIN",
    "bicubic_lr",
    "center_crop_pair_tf",
    "check_pairs",
    "div2k",
    "div2k_pairs",
    "div2k_tfds",
    "extract_subimages",
    "hr_folder_dataset",
    "imresize",
    "imresize_tf",
    "make_lr_cache",
    "modcrop",
    "pair_dataset",
    "paired_folder",
    "photo_dataset",
    "photo_pairs",
    "random_augment",
    "random_augment_tf",
    "random_crop_pair",
    "random_crop_pair_tf",
    "sample_dataset",
    "sample_images",
    "sample_pairs",
    "subimage_pairs",
    "write_sample_folder",
]
