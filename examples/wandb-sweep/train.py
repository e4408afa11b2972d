"""A training script written for W&B sweeps, as users write them: defaults in wandb.init, values
from wandb.config, wandb.log every epoch. Nothing in it knows Rung; `npx rung run sweep.yaml`
runs it unchanged (Rung puts a stand-in `wandb` on its path: no account, no network).

It fits a small logistic regression with mini-batch SGD and momentum on generated data, in pure
Python, so it runs anywhere Python 3 does.
"""
import argparse
import math
import random

import wandb

parser = argparse.ArgumentParser()
parser.add_argument("--learning_rate", type=float, default=0.05)
parser.add_argument("--batch_size", type=int, default=32)
# A dotted name, as Hydra-style configs use them: W&B passes it on under that very name.
parser.add_argument("--optimizer.momentum", type=float, default=0.0)
parser.add_argument("--epochs", type=int, default=10)
args = parser.parse_args()

run = wandb.init(project="rung-example", config=vars(args))
config = wandb.config

rng = random.Random(0)
true_w = [1.5, -2.0, 0.7]


def sample():
    x = [rng.gauss(0, 1) for _ in true_w]
    p = 1 / (1 + math.exp(-sum(a * b for a, b in zip(true_w, x))))
    return x, 1.0 if rng.random() < p else 0.0


train = [sample() for _ in range(600)]
valid = [sample() for _ in range(200)]


def loss(w, data):
    total = 0.0
    for x, y in data:
        p = min(max(1 / (1 + math.exp(-sum(a * b for a, b in zip(w, x)))), 1e-9), 1 - 1e-9)
        total -= y * math.log(p) + (1 - y) * math.log(1 - p)
    return total / len(data)


w = [0.0, 0.0, 0.0]
velocity = [0.0, 0.0, 0.0]
for epoch in range(config.epochs):
    rng.shuffle(train)
    for start in range(0, len(train), config.batch_size):
        batch = train[start : start + config.batch_size]
        grad = [0.0, 0.0, 0.0]
        for x, y in batch:
            p = 1 / (1 + math.exp(-sum(a * b for a, b in zip(w, x))))
            for i, xi in enumerate(x):
                grad[i] += (p - y) * xi / len(batch)
        for i in range(len(w)):
            velocity[i] = config["optimizer.momentum"] * velocity[i] - config.learning_rate * grad[i]
            w[i] += velocity[i]
    wandb.log({"epoch": epoch, "train_loss": loss(w, train), "val_loss": loss(w, valid)})

wandb.finish()
