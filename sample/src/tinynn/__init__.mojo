"""The tinynn package: neural-network building blocks on tinytensor."""

from .activations import relu, sigmoid, tanh, softmax
from .loss import mse, binary_cross_entropy, cross_entropy
from .linear import Linear
from .optimizer import SGD
from .model import MLP
from .data import Dataset, xor_dataset, linear_dataset, two_blobs
from .metrics import accuracy, binary_accuracy, r2_score
from .train import TrainConfig, TrainReport, train_xor, fit_linear
